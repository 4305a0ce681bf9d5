from notifications.selectors import unread_count


def portal_shell(request):
    """What the portal's header shows on every page: the unread notifications badge.
    Lazy, so a page that does not render it pays nothing."""
    clinic = getattr(request, "clinic", None)
    user = getattr(request, "user", None)
    if clinic is None or user is None or not user.is_authenticated:
        return {}
    return {"unread_notifications": lambda: unread_count(clinic, user)}
