"""One-click unsubscribe links (RFC 8058) for marketing and reminder emails.

The link carries a signed token naming the person, the clinic and the preference to turn
off, so it works without signing in and only for that one switch. Tokens do not expire:
an unsubscribe link in an old email must still work.
"""

from django.core import signing

from branding.links import portal_reverse
from notifications.models import Category

SALT = "notifications.unsubscribe"

# The preference an email of each category can be unsubscribed from.
UNSUBSCRIBE_FIELD = {
    Category.MARKETING: "marketing_email",
    Category.REMINDER: "reminder_email",
}


class BadUnsubscribeToken(Exception):
    pass


def unsubscribe_token(*, clinic, user, field) -> str:
    return signing.dumps({"c": clinic.pk, "u": user.pk, "f": field}, salt=SALT, compress=True)


def unsubscribe_url(notification) -> str | None:
    """The absolute unsubscribe link for an email, or None for mail one cannot opt out
    of (account and booking messages)."""
    field = UNSUBSCRIBE_FIELD.get(notification.category)
    if field is None:
        return None
    token = unsubscribe_token(clinic=notification.clinic, user=notification.user, field=field)
    return portal_reverse(notification.clinic, "notifications:unsubscribe", token)


def read_unsubscribe_token(token, *, clinic) -> tuple[int, str]:
    """(user id, preference field) from a token made for ``clinic``; a token for
    another clinic, or one that was tampered with, is refused."""
    try:
        data = signing.loads(token, salt=SALT)
    except signing.BadSignature as exc:
        raise BadUnsubscribeToken("This unsubscribe link is not valid.") from exc
    if data.get("c") != clinic.pk or data.get("f") not in UNSUBSCRIBE_FIELD.values():
        raise BadUnsubscribeToken("This unsubscribe link is not valid.")
    return data["u"], data["f"]
