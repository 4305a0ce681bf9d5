"""The clinic's booking policy applied to one booking: what cancelling would cost, whether
it may be moved, what a no-show costs. The payments app charges or refunds these amounts."""

import datetime
from dataclasses import asdict, dataclass

from django.utils import timezone
from django.utils.translation import gettext as _

from booking_api.models import BookingSource, BookingStatus
from branding.models import FeeKind
from branding.selectors import clinic_policy

CLIENT_SOURCES = (BookingSource.PORTAL, BookingSource.APP)
PAY_WHEN_BOOKING = ("deposit", "full")


def initial_status(clinic, source, hold_minutes=None):
    """The status a new booking starts in, and how long it is held: a client's booking
    at a clinic that takes payment when booking waits for it (``pending_payment``, the
    clinic's hold time); anything else is booked."""
    policy = clinic_policy(clinic)
    if source in CLIENT_SOURCES and policy.payment_mode in PAY_WHEN_BOOKING:
        return BookingStatus.PENDING_PAYMENT, hold_minutes or policy.payment_hold_minutes
    return BookingStatus.BOOKED, hold_minutes


@dataclass(frozen=True)
class CancellationQuote:
    allowed: bool  # may the client cancel online
    free: bool  # before the window: no fee
    fee: int  # minor units the clinic keeps or charges
    currency: str
    message: str
    window_ends_at: datetime.datetime  # free cancellation until this moment

    def as_dict(self):
        data = asdict(self)
        data["window_ends_at"] = self.window_ends_at.isoformat()
        return data


def _fee(kind, value, price):
    if kind == FeeKind.PERCENT and value:
        return price * value // 100
    if kind == FeeKind.FIXED and value:
        return min(value, price)
    return 0


def cancellation_quote(booking, *, now=None) -> CancellationQuote:
    now = now or timezone.now()
    policy = clinic_policy(booking.clinic)
    window_ends_at = booking.start - datetime.timedelta(hours=policy.cancellation_window_hours)
    currency = booking.currency
    if now < window_ends_at:
        return CancellationQuote(
            True, True, 0, currency, _("You can cancel free of charge."), window_ends_at
        )
    hours = policy.cancellation_window_hours
    if policy.late_cancel_contact_clinic:
        return CancellationQuote(
            False,
            False,
            0,
            currency,
            _(
                "Your appointment is less than %(hours)s hours away. Please contact the clinic "
                "to cancel."
            )
            % {"hours": hours},
            window_ends_at,
        )
    fee = _fee(policy.late_cancel_fee_kind, policy.late_cancel_fee_value, booking.price)
    if fee == 0:
        return CancellationQuote(
            True, True, 0, currency, _("You can cancel free of charge."), window_ends_at
        )
    return CancellationQuote(
        True,
        False,
        fee,
        currency,
        _("Your appointment is less than %(hours)s hours away, so a late cancellation fee applies.")
        % {"hours": hours},
        window_ends_at,
    )


def reschedule_refusal(booking, *, now=None) -> str | None:
    """Why the client may not move this booking online, or None if they may."""
    now = now or timezone.now()
    policy = clinic_policy(booking.clinic)
    if booking.reschedule_count >= policy.reschedule_limit:
        return _(
            "This booking has been moved %(count)s times, the most allowed online. "
            "Please contact the clinic."
        ) % {"count": booking.reschedule_count}
    if now > booking.start - datetime.timedelta(hours=policy.reschedule_window_hours):
        return _(
            "Bookings can be moved online until %(hours)s hours before the appointment. "
            "Please contact the clinic."
        ) % {"hours": policy.reschedule_window_hours}
    return None


def no_show_fee(booking) -> int:
    policy = clinic_policy(booking.clinic)
    return _fee(policy.no_show_fee_kind, policy.no_show_fee_value, booking.price)
