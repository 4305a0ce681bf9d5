"""Money recorded by staff at the desk without Stripe: cash in the till, or a card taken
on the clinic's own terminal. A succeeded ``Payment`` of kind ``desk`` with its
``method``, who recorded it (``actor``) and the parts that are a tip or products sold
with the visit; the booking's history gets its ``payment`` event. The desk checkout
(``commerce.desk``) calls it inside its own transaction, with its audit entry."""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from booking_api.services import booking_event_record
from branding.money import format_money
from payments.errors import PaymentError, PaymentErrorCode
from payments.models import Payment, PaymentKind, PaymentMethod, PaymentStatus, ReceiptSeries
from payments.services.receipt_numbers import receipt_number_issue

OFFLINE_METHODS = (PaymentMethod.CASH, PaymentMethod.TERMINAL)


@transaction.atomic
def desk_payment_record(*, booking, amount, method, key, actor, tip=0, extras=0) -> Payment:
    if method not in OFFLINE_METHODS:
        raise PaymentError(
            _("Choose cash or the card terminal."),
            field="method",
            code=PaymentErrorCode.CHARGE_INVALID,
        )
    amount = int(amount)
    if amount <= 0 or tip + extras > amount:
        raise PaymentError(
            _("Give an amount greater than zero."),
            field="amount",
            code=PaymentErrorCode.AMOUNT_INVALID,
        )
    now = timezone.now()
    payment = Payment.objects.create(
        clinic=booking.clinic,
        booking=booking,
        kind=PaymentKind.DESK,
        method=method,
        amount=amount,
        amount_captured=amount,
        currency=booking.currency,
        tip=tip,
        extras=extras,
        actor=actor,
        status=PaymentStatus.SUCCEEDED,
        succeeded_at=now,
        idempotency_key=key,
    )
    _history(payment, amount=amount, currency=payment.currency)
    receipt_number_issue(payment, clinic=booking.clinic, series=ReceiptSeries.PAYMENT)
    return payment


def _history(payment, **data):
    """The desk payment in the booking's history, with who recorded it."""
    booking_event_record(
        booking_id=payment.booking_id,
        kind="payment",
        actor=payment.actor,
        data={"payment": payment.pk, "kind": payment.kind, "method": payment.method, **data},
    )


@transaction.atomic
def desk_voucher_apply(*, booking, voucher_ref, limit, key, actor, take=None) -> Payment:
    """A reward voucher or gift card (``payments.discounts``: loyalty's vouchers,
    commerce's gift cards) taken off the visit at the desk: a succeeded ``desk`` payment
    of nothing captured whose ``discount`` is what the provider reserved, at most
    ``limit`` (what is still due for the visit) — more is refused and nothing is
    written. The provider marks the voucher used after commit. ``take(payment, limit)``,
    if given, reserves instead of the provider and returns its ``DiscountQuote`` (the
    caller's own voucher that can pay part of what is due: a gift card at the desk)."""
    from booking_api.models import Booking
    from payments import discounts

    booking = Booking.objects.select_for_update().select_related("service").get(pk=booking.pk)
    quote = True if take is not None else discounts.discount_quote(booking, voucher_ref)
    if quote is None or (take is None and quote.amount <= 0):
        raise PaymentError(
            _("That voucher or gift card cannot be used for this visit."),
            field="voucher",
            code=PaymentErrorCode.BAD_VOUCHER,
        )
    payment = Payment.objects.create(
        clinic=booking.clinic,
        booking=booking,
        kind=PaymentKind.DESK,
        method=PaymentMethod.VOUCHER,
        amount=0,
        currency=booking.currency,
        actor=actor,
        idempotency_key=key,
    )
    if take is not None:
        reserved = take(payment, limit)
    else:
        reserved = discounts.voucher_reserve(
            booking=booking, voucher_ref=voucher_ref, payment=payment
        )
    if reserved is None or reserved.amount <= 0 or reserved.amount > limit:
        raise PaymentError(
            _("The voucher takes %(amount)s off, more than the %(due)s due for the visit.")
            % {
                "amount": format_money(reserved.amount if reserved else 0, booking.currency),
                "due": format_money(limit, booking.currency),
            },
            field="voucher",
            code=PaymentErrorCode.BAD_VOUCHER,
        )
    payment.discount = reserved.amount
    payment.discount_label = reserved.label[:200]
    payment.voucher_ref = voucher_ref
    payment.status = PaymentStatus.SUCCEEDED
    payment.succeeded_at = timezone.now()
    payment.save()
    _history(payment, discount=payment.discount, voucher=voucher_ref)
    pk = payment.pk
    transaction.on_commit(lambda: _voucher_used(pk))
    receipt_number_issue(payment, clinic=booking.clinic, series=ReceiptSeries.PAYMENT)
    return payment


def _voucher_used(payment_id):
    from payments import discounts

    payment = Payment.objects.select_related("booking").get(pk=payment_id)
    discounts.voucher_used(voucher_ref=payment.voucher_ref, payment=payment)
