"""Money recorded by staff at the desk without Stripe: cash in the till, or a card taken
on the clinic's own terminal. A succeeded ``Payment`` of kind ``desk`` with its
``method``, who recorded it (``actor``) and the parts that are a tip or products sold
with the visit; the booking's history gets its ``payment`` event. The desk checkout
(``commerce.desk``) calls it inside its own transaction, with its audit entry."""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from booking_api.services import booking_event_record
from payments.errors import PaymentError, PaymentErrorCode
from payments.models import Payment, PaymentKind, PaymentMethod, PaymentStatus

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
    booking_event_record(
        booking_id=booking.pk,
        kind="payment",
        actor=actor,
        data={
            "payment": payment.pk,
            "kind": payment.kind,
            "method": method,
            "amount": amount,
            "currency": payment.currency,
        },
    )
    return payment
