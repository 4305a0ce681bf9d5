"""Signed links in booking messages that let a client reschedule or cancel without
signing in: ``https://<clinic domain>/bookings/<reference>/<action>/?token=...``.

The token is a ``django.core.signing`` payload (salted, timestamped) naming the booking
and the action. It is refused when tampered with, used for another action or another
clinic, older than ``ACTION_LINK_MAX_AGE``, or once the booking has started. Each message
carries fresh links, so a reminder sent the day before works even if the confirmation's
links have expired.
"""

import datetime
from urllib.parse import urlencode

from django.core import signing
from django.utils import timezone
from django.utils.translation import gettext as _

from booking_api.errors import BookingErrorCode
from booking_api.models import Booking
from booking_api.services.errors import BookingError
from branding.links import portal_url

ACTIONS = ("reschedule", "cancel")
ACTION_LINK_SALT = "booking_api.action_links"
ACTION_LINK_MAX_AGE = datetime.timedelta(days=7)


class ActionLinkError(BookingError):
    """A reschedule/cancel link that cannot be used (expired, tampered, wrong action)."""

    code = BookingErrorCode.LINK_INVALID


def booking_url(booking) -> str:
    """The booking's page in the clinic's portal."""
    return portal_url(booking.clinic, f"/bookings/{booking.reference}/")


def action_token(booking, action) -> str:
    if action not in ACTIONS:
        raise ValueError(f"Unknown booking action {action!r}.")
    return signing.dumps({"b": str(booking.reference), "a": action}, salt=ACTION_LINK_SALT)


def booking_action_links(booking) -> dict[str, str]:
    """``{"reschedule": url, "cancel": url}``, each signed for its own action."""
    base = booking_url(booking)
    return {
        action: f"{base}{action}/?{urlencode({'token': action_token(booking, action)})}"
        for action in ACTIONS
    }


def booking_from_action_token(token, action, *, clinic=None, now=None) -> Booking:
    """The booking a link's token grants ``action`` on, or ``ActionLinkError`` saying
    why not. Pass the request's ``clinic`` so a link never works on another domain."""
    try:
        payload = signing.loads(token or "", salt=ACTION_LINK_SALT, max_age=ACTION_LINK_MAX_AGE)
    except signing.SignatureExpired as exc:
        raise ActionLinkError(
            _(
                "This link has expired. Please use the link in your latest message, or sign in "
                "to manage your booking."
            ),
            field="token",
            code=BookingErrorCode.LINK_EXPIRED,
        ) from exc
    except signing.BadSignature as exc:
        raise ActionLinkError(
            _("This link is not valid. Please use the link exactly as it was sent to you."),
            field="token",
            code=BookingErrorCode.LINK_INVALID,
        ) from exc
    if not isinstance(payload, dict) or payload.get("a") != action:
        raise ActionLinkError(
            (
                _("This link cannot be used to reschedule a booking.")
                if action == "reschedule"
                else _("This link cannot be used to cancel a booking.")
            ),
            field="token",
            code=BookingErrorCode.LINK_INVALID,
        )
    bookings = Booking.objects.select_related("clinic__site", "client__user", "service")
    if clinic is not None:
        bookings = bookings.filter(clinic=clinic)
    booking = bookings.filter(reference=payload.get("b")).first()
    if booking is None:
        raise ActionLinkError(
            _("That booking was not found."),
            field="token",
            status=404,
            code=BookingErrorCode.NOT_FOUND,
        )
    if booking.start <= (now or timezone.now()):
        raise ActionLinkError(
            _("This appointment has already started, so the link no longer works."),
            field="token",
            code=BookingErrorCode.LINK_EXPIRED,
        )
    return booking


# --- confirming a guest's booking -------------------------------------------------------

VERIFY_SALT = "booking_api.verify_links"
# The hold itself decides how long the link is any use (``booking_verify_hold``); the
# signature only outlives the longest hold a clinic may set.
VERIFY_LINK_MAX_AGE = datetime.timedelta(hours=2)


def verify_url(booking) -> str:
    """The link that confirms a guest's ``unverified`` booking: whoever opens it reads
    mail at the booking's address."""
    token = signing.dumps({"b": str(booking.reference), "a": "verify"}, salt=VERIFY_SALT)
    return portal_url(booking.clinic, f"/book/verify/?{urlencode({'token': token})}")


def booking_from_verify_token(token, *, clinic) -> Booking:
    """The booking a confirmation link names, at this clinic, or ``ActionLinkError``."""
    try:
        payload = signing.loads(token or "", salt=VERIFY_SALT, max_age=VERIFY_LINK_MAX_AGE)
    except signing.SignatureExpired as exc:
        raise ActionLinkError(
            _("This link has expired. Please book again."),
            field="token",
            code=BookingErrorCode.LINK_EXPIRED,
        ) from exc
    except signing.BadSignature as exc:
        raise ActionLinkError(
            _("This link is not valid. Please use the link exactly as it was sent to you."),
            field="token",
            code=BookingErrorCode.LINK_INVALID,
        ) from exc
    booking = (
        Booking.objects.select_related("clinic__site", "client__user", "service", "staff")
        .filter(clinic=clinic, reference=(payload or {}).get("b"))
        .first()
    )
    if booking is None or payload.get("a") != "verify":
        raise ActionLinkError(
            _("That booking was not found."),
            field="token",
            status=404,
            code=BookingErrorCode.NOT_FOUND,
        )
    return booking
