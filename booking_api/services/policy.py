"""The clinic's booking policy applied to one booking: what cancelling would cost, whether
it may be moved, what a no-show costs. The payments app charges or refunds these amounts."""

import dataclasses
import datetime
from dataclasses import asdict, dataclass

from django.utils import timezone
from django.utils.translation import gettext as _

from booking_api.lifecycle import UPCOMING_STATUSES
from booking_api.models import BookingSource, BookingStatus
from branding.errors import FeatureDisabledError
from branding.models import FeeKind
from branding.money import format_money
from branding.selectors import clinic_policy, feature_enabled

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


# What the client has paid towards a booking, from the app that takes payments (it
# registers a provider from its AppConfig.ready; booking_api never imports it). A
# provider returns ``(paid, card_on_file)``: minor units paid for the visit and not
# refunded, and whether the clinic holds a card it may charge.
_paid_providers = []


def register_paid_provider(provider):
    if provider not in _paid_providers:
        _paid_providers.append(provider)


def _paid(booking):
    paid, card = 0, False
    for provider in _paid_providers:
        amount, has_card = provider(booking)
        paid, card = paid + amount, card or has_card
    return paid, card


@dataclass(frozen=True)
class CancellationQuote:
    allowed: bool  # may the client cancel online
    free: bool  # before the window: no fee
    fee: int  # minor units: the late-cancellation fee the policy sets
    currency: str
    message: str
    window_ends_at: datetime.datetime  # free cancellation until this moment
    # Where the money goes when cancelling now (minor units). kept + to_pay == fee;
    # kept + refund == paid (what was paid for the visit); a free cancellation refunds
    # everything paid (the payments app refunds it).
    paid: int = 0
    kept: int = 0  # of what was paid, kept as the fee
    refund: int = 0  # of what was paid, given back
    to_pay: int = 0  # the rest of the fee, beyond what was paid
    card_on_file: bool = False  # the clinic may charge ``to_pay`` to a saved card
    # The booking was made after free cancellation had ended (booked inside the window).
    made_inside_window: bool = False

    def as_dict(self):
        data = asdict(self)
        data["window_ends_at"] = self.window_ends_at.isoformat()
        return data


def quote_lines(quote) -> list[str]:
    """The quote in words, amount by amount: what is kept, refunded and still to pay.
    Used by the portal's cancel page, the API's ``message`` and the cancellation email
    (``quote`` is a ``CancellationQuote`` or its ``as_dict``)."""
    q = quote if isinstance(quote, dict) else quote.as_dict()
    currency = q["currency"]

    def money(key):
        return format_money(q.get(key) or 0, currency)

    lines = []
    if q["fee"]:
        lines.append(_("A late cancellation fee of %(fee)s applies.") % {"fee": money("fee")})
        if q.get("kept"):
            lines.append(
                _("%(kept)s of what you paid is kept as the fee.") % {"kept": money("kept")}
            )
    if q.get("refund"):
        lines.append(_("%(refund)s is refunded to you.") % {"refund": money("refund")})
    if q.get("to_pay"):
        if q.get("card_on_file"):
            text = _("The clinic may charge the remaining %(amount)s to your saved card.")
        else:
            text = _("The remaining %(amount)s is owed to the clinic.")
        lines.append(text % {"amount": money("to_pay")})
    elif q["fee"]:
        lines.append(_("Nothing more is charged."))
    return lines


def _fee(kind, value, price):
    if kind == FeeKind.PERCENT and value:
        return price * value // 100
    if kind == FeeKind.FIXED and value:
        return min(value, price)
    return 0


def _free(booking, window_ends_at, paid, card):
    message = _("You can cancel free of charge.")
    if paid:  # say where the money goes, as a late quote does
        refund = format_money(paid, booking.currency)
        message = f"{message} {_('%(refund)s is refunded to you.') % {'refund': refund}}"
    return CancellationQuote(
        True,
        True,
        0,
        booking.currency,
        message,
        window_ends_at,
        paid=paid,
        refund=paid,
        card_on_file=card,
    )


def cancellation_quote(booking, *, now=None) -> CancellationQuote:
    quote = _cancellation_quote(booking, now=now)
    if booking.created_at and booking.created_at >= quote.window_ends_at:
        return dataclasses.replace(quote, made_inside_window=True)
    return quote


def _cancellation_quote(booking, *, now=None) -> CancellationQuote:
    now = now or timezone.now()
    policy = clinic_policy(booking.clinic)
    window_ends_at = booking.start - datetime.timedelta(hours=policy.cancellation_window_hours)
    currency = booking.currency
    paid, card = _paid(booking)
    if now < window_ends_at:
        return _free(booking, window_ends_at, paid, card)
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
            paid=paid,
            card_on_file=card,
        )
    fee = _fee(policy.late_cancel_fee_kind, policy.late_cancel_fee_value, booking.price)
    if fee == 0:
        return _free(booking, window_ends_at, paid, card)
    kept = min(fee, paid)
    quote = CancellationQuote(
        True,
        False,
        fee,
        currency,
        "",
        window_ends_at,
        paid=paid,
        kept=kept,
        refund=paid - kept,
        to_pay=fee - kept,
        card_on_file=card,
    )
    intro = _(
        "Your appointment is less than %(hours)s hours away, so a late cancellation fee applies."
    ) % {"hours": hours}
    return dataclasses.replace(quote, message=" ".join([intro, *quote_lines(quote)[1:]]))


@dataclass(frozen=True)
class CancellationTerms:
    """The policy for a booking not yet made, shown before the client confirms it."""

    hours: int  # free cancellation until this many hours before the start
    window_ends_at: datetime.datetime
    inside_window: bool  # the time chosen is already inside the late-cancellation window
    late_fee: int  # minor units, for this price
    contact_clinic: bool  # late cancellations go through the clinic
    currency: str


def cancellation_terms(clinic, *, start, price, currency, now=None) -> CancellationTerms:
    now = now or timezone.now()
    policy = clinic_policy(clinic)
    window_ends_at = start - datetime.timedelta(hours=policy.cancellation_window_hours)
    return CancellationTerms(
        hours=policy.cancellation_window_hours,
        window_ends_at=window_ends_at,
        inside_window=now >= window_ends_at,
        late_fee=_fee(policy.late_cancel_fee_kind, policy.late_cancel_fee_value, price),
        contact_clinic=policy.late_cancel_contact_clinic,
        currency=currency,
    )


def reschedules_left(booking) -> int:
    """How many more times the client may move this booking online (the clinic's limit
    less the moves made)."""
    return max(clinic_policy(booking.clinic).reschedule_limit - booking.reschedule_count, 0)


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


def client_cancellation_quote(booking, *, now=None) -> CancellationQuote:
    """The quote a client is shown before cancelling (the API's ``GET …/cancel``), under
    the same rules as cancelling: online cancellation off is ``feature_disabled``, and a
    booking that is no longer upcoming (completed, cancelled, checked in…) is not
    ``allowed``, at no fee."""
    if not feature_enabled(booking.clinic, "self_cancel"):
        raise FeatureDisabledError(_("Online cancellation is turned off; please call us."))
    if booking.status not in UPCOMING_STATUSES:
        return CancellationQuote(
            False,
            False,
            0,
            booking.currency,
            _("This appointment can no longer be cancelled."),
            booking.start
            - datetime.timedelta(hours=clinic_policy(booking.clinic).cancellation_window_hours),
        )
    return cancellation_quote(booking, now=now)
