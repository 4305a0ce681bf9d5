"""Payment holds that end unpaid. A hold that runs out: the PaymentIntent is cancelled at
Stripe (a payment that got through meanwhile confirms the booking instead) and
booking_api releases the slot. A held booking cancelled at any door (or released when
its hold ran out): its open PaymentIntents are cancelled at Stripe, so their client
secrets can no longer pay, and the vouchers its unpaid payments reserved are given back.
"""

import stripe
from django.utils import timezone

from booking_api.lifecycle import CANCELLED_STATUSES, BookingStatus
from booking_api.models import Booking
from booking_api.services import booking_release_hold
from payments import discounts
from payments.errors import provider_error
from payments.models import Payment, PaymentStatus
from payments.services.intents import OPEN_STATUSES, payment_apply_intent
from payments.stripe_api import stripe_client

# What Stripe lets us cancel; a "processing" intent ends on its own (success or failure).
CANCELLABLE = (
    "requires_payment_method",
    "requires_confirmation",
    "requires_action",
    "requires_capture",
)


def payment_intent_cancel(*, payment) -> Payment:
    """Cancel the payment's PaymentIntent at Stripe if it can still be paid, then apply
    what Stripe has (``canceled``, or a success that got through first)."""
    pi = payment.stripe_payment_intent_id
    api = stripe_client(payment.clinic)
    try:
        intent = api.PaymentIntent.retrieve(pi)
        if intent.status in CANCELLABLE:
            try:
                intent = api.PaymentIntent.cancel(
                    pi, idempotency_key=f"{payment.idempotency_key}-cancel"
                )
            except stripe.error.InvalidRequestError:
                intent = api.PaymentIntent.retrieve(pi)  # it changed under us
    except stripe.error.StripeError as exc:
        raise provider_error(exc) from exc
    return payment_apply_intent(payment_id=payment.pk, intent=intent)


def hold_expire(*, booking_id, now=None) -> str:
    """Release one lapsed hold: cancel its PaymentIntents at Stripe (a payment that got
    through meanwhile confirms the booking instead), then cancel the booking."""
    now = now or timezone.now()
    open_payments = Payment.objects.filter(booking_id=booking_id, status__in=OPEN_STATUSES).exclude(
        stripe_payment_intent_id=""
    )
    for payment in open_payments:
        payment = payment_intent_cancel(payment=payment)
        if payment.status == PaymentStatus.SUCCEEDED:
            return "paid"
    return booking_release_hold(booking_id=booking_id, now=now)


def holds_expire(*, now=None) -> dict:
    """The scheduled job: release every hold whose time has run out."""
    now = now or timezone.now()
    ids = Booking.objects.filter(
        status=BookingStatus.PENDING_PAYMENT, hold_expires_at__lte=now
    ).values_list("pk", flat=True)
    return {booking_id: hold_expire(booking_id=booking_id, now=now) for booking_id in ids}


def cancelled_booking_payments_close(*, booking_id) -> None:
    """The booking was cancelled (``booking_cancelled``, any door or a lapsed hold):
    cancel its open PaymentIntents at Stripe, so the client secret the patient's browser
    holds can no longer pay, and give back the vouchers its unpaid payments reserved. A
    payment that got through before the cancellation reached Stripe is applied, and so
    refunded in full (``refund_late_payment``). Idempotent: a closed payment is left
    alone."""
    if not Booking.objects.filter(pk=booking_id, status__in=CANCELLED_STATUSES).exists():
        return
    payments = Payment.objects.filter(booking_id=booking_id)
    for payment in payments.filter(status__in=OPEN_STATUSES):
        if payment.stripe_payment_intent_id:
            payment_intent_cancel(payment=payment)
        else:  # never reached Stripe: nothing can pay it
            Payment.objects.filter(
                pk=payment.pk, status=payment.status, stripe_payment_intent_id=""
            ).update(status=PaymentStatus.CANCELED, updated_at=timezone.now())
    for payment in payments.filter(status__in=(PaymentStatus.CANCELED, PaymentStatus.FAILED)):
        discounts.voucher_release(voucher_ref=payment.voucher_ref, payment=payment)
