"""Reconciliation: compare recent PaymentIntents at Stripe with our payments and
bookings, repair what can be repaired (record a success, confirm a paid booking, refund
a cancelled one or a charge without a booking) and report the rest."""

import datetime
import logging

import stripe
from django.utils import timezone

from booking_api.lifecycle import BookingStatus
from booking_api.services import booking_confirm_paid
from payments.models import Payment, PaymentStatus
from payments.selectors import payment_refundable
from payments.services.intents import payment_apply_intent, payment_for_intent
from payments.services.refunds import refund_for_cancellation
from payments.stripe_api import field, stripe_client

log = logging.getLogger("payments.services")


def _recent_intents(api, since):
    """PaymentIntents created since ``since``. Stripe filters by ``created``; localstripe
    refuses that parameter, so the list is then filtered here."""
    ts = int(since.timestamp())
    try:
        page = api.PaymentIntent.list(limit=100, created={"gte": ts})
    except stripe.error.InvalidRequestError:
        page = api.PaymentIntent.list(limit=100)
    return [i for i in page.auto_paging_iter() if i.created >= ts]


def payments_reconcile(*, since=None) -> list[dict]:
    """Compare recent PaymentIntents at Stripe with our payments and bookings; repair what
    can be repaired and report the rest. Returns the findings (also logged)."""
    since = since or timezone.now() - datetime.timedelta(days=2)
    api = stripe_client()
    findings = []

    def found(problem, action, **data):
        findings.append({"problem": problem, "action": action, **data})
        log.warning("payments reconcile: %s → %s %s", problem, action, data)

    known = set()
    for payment in Payment.objects.filter(created_at__gte=since).exclude(
        stripe_payment_intent_id=""
    ):
        known.add(payment.stripe_payment_intent_id)
        try:
            intent = api.PaymentIntent.retrieve(payment.stripe_payment_intent_id)
        except stripe.error.StripeError as exc:
            found("intent unreadable", "reported", payment=payment.pk, error=str(exc))
            continue
        if intent.status == "succeeded" and payment.status != PaymentStatus.SUCCEEDED:
            payment_apply_intent(payment_id=payment.pk, intent=intent)
            found("paid at Stripe, not recorded", "recorded", payment=payment.pk)
        elif payment.status == PaymentStatus.SUCCEEDED and intent.status != "succeeded":
            found(
                "recorded as paid, not paid at Stripe",
                "reported",
                payment=payment.pk,
                stripe_status=intent.status,
            )
        elif payment.status == PaymentStatus.SUCCEEDED:
            booking = payment.booking
            if booking.status == BookingStatus.PENDING_PAYMENT:
                booking_confirm_paid(
                    booking=booking,
                    payment_id=payment.pk,
                    amount=payment.amount_captured,
                    reason="Paid online (found by reconciliation).",
                )
                found("paid but booking still held", "booking confirmed", payment=payment.pk)
            elif (
                booking.status == BookingStatus.CANCELLED
                and payment_refundable(payment) > 0
                and refund_for_cancellation(booking_id=booking.pk)
            ):
                found("cancelled booking not refunded", "refunded", payment=payment.pk)
    for intent in _recent_intents(api, since):
        if intent.id in known:
            continue
        payment = payment_for_intent(intent)
        if payment is not None:
            if payment.stripe_payment_intent_id == intent.id and intent.status == "succeeded":
                payment_apply_intent(payment_id=payment.pk, intent=intent)
                found("intent not linked to its payment", "linked", payment=payment.pk)
            continue
        if not field(field(intent, "metadata"), "booking_id"):
            continue  # not created by this system
        if intent.status == "succeeded":
            # Money taken with no payment of ours behind it: give it back (once).
            try:
                given_back = sum(
                    r.amount
                    for r in api.Refund.list(payment_intent=intent.id).auto_paging_iter()
                    if r.status != "failed"
                )
                if given_back >= (field(intent, "amount_received") or intent.amount):
                    continue
                api.Refund.create(
                    payment_intent=intent.id, idempotency_key=f"orphan-{intent.id}-refund"
                )
            except stripe.error.StripeError as exc:
                found(
                    "charge without a booking",
                    "refund failed",
                    error=str(exc),
                    stripe_payment_intent=intent.id,
                )
                continue
            found("charge without a booking", "refunded", stripe_payment_intent=intent.id)
        elif intent.status in ("requires_payment_method", "requires_confirmation"):
            found("intent without a booking", "reported", stripe_payment_intent=intent.id)
    return findings
