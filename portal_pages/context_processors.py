from branding.selectors import feature_enabled
from commerce.memberships.selectors import memberships_with_card_problem
from notifications.selectors import unread_count
from people.selectors import client_account_for_user


def _card_problems(clinic, user):
    if not feature_enabled(clinic, "memberships"):
        return []
    client = client_account_for_user(clinic, user)
    return memberships_with_card_problem(clinic, client) if client else []


def portal_shell(request):
    """What the portal's header shows on every page: the unread notifications badge, and
    the banner of a membership whose renewal failed (with where to fix the card). Lazy,
    so a page that does not render them pays nothing."""
    clinic = getattr(request, "clinic", None)
    user = getattr(request, "user", None)
    if clinic is None or user is None or not user.is_authenticated:
        return {}
    return {
        "unread_notifications": lambda: unread_count(clinic, user),
        "membership_card_problems": lambda: _card_problems(clinic, user),
    }
