"""The loyalty app's Wagtail admin: each concern registers its own hooks."""

from loyalty.games import admin_hooks  # noqa: F401  (games and their plays)
from loyalty.staff import admin_hooks as staff_hooks  # noqa: F401  (rewards, the Loyalty tab)
