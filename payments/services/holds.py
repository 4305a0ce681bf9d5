"""Payment holds that run out: the PaymentIntent is cancelled at Stripe (a payment that
got through meanwhile confirms the booking instead) and booking_api releases the slot."""

import stripe
from django.utils import timezone

from booking_api.lifecycle import BookingStatus
from booking_api.models import Booking
from booking_api.services import booking_release_hold
from payments.errors import provider_error
from payments.models import Payment, PaymentStatus
from payments.services.intents import OPEN_STATUSES, payment_apply_intent
from payments.stripe_api import stripe_client


def hold_expire(*, booking_id, now=None) -> str:
    """Release one lapsed hold: cancel its PaymentIntents at Stripe (a payment that got
    through meanwhile confirms the booking instead), then cancel the booking."""
    now = now or timezone.now()
    api = stripe_client()
    open_payments = Payment.objects.filter(booking_id=booking_id, status__in=OPEN_STATUSES).exclude(
        stripe_payment_intent_id=""
    )
    for payment in open_payments:
        pi = payment.stripe_payment_intent_id
        try:
            intent = api.PaymentIntent.retrieve(pi)
            if intent.status not in ("succeeded", "canceled", "processing"):
                try:
                    intent = api.PaymentIntent.cancel(
                        pi, idempotency_key=f"{payment.idempotency_key}-cancel"
                    )
                except stripe.error.InvalidRequestError:
                    intent = api.PaymentIntent.retrieve(pi)  # it changed under us
        except stripe.error.StripeError as exc:
            raise provider_error(exc) from exc
        payment = payment_apply_intent(payment_id=payment.pk, intent=intent)
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
