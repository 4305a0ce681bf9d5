"""The loyalty app's Wagtail admin: each concern registers its own hooks."""

from loyalty.games import admin_hooks  # noqa: F401  (games and their plays)
