"""Reconciliation: compare recent PaymentIntents, refunds and disputes at Stripe with our
payments, refunds and bookings, repair what can be repaired (record a success, confirm a
paid booking, refund a cancelled one or a charge without a booking, settle a refund left
pending by a crash or an outage, record a dispute) and report the rest."""

import datetime
import logging

import stripe
from django.utils import timezone

from booking_api.lifecycle import BookingStatus
from booking_api.models import BookingEvent
from booking_api.services import booking_confirm_paid, booking_event_record
from payments.errors import PaymentError
from payments.models import Payment, PaymentStatus, Refund, RefundStatus, StripeAccount
from payments.selectors import payment_refundable
from payments.services.intents import payment_apply_intent, payment_for_intent
from payments.services.refunds import (
    refund_for_cancellation,
    refund_mark_failed,
    refund_send,
    refund_settle,
)
from payments.stripe_api import field, object_id, stripe_client

log = logging.getLogger("payments.services")

# A refund younger than this may still be on its way to Stripe in another process.
PENDING_GRACE = datetime.timedelta(minutes=5)


def _recent_intents(api, since):
    """PaymentIntents created since ``since``. Stripe filters by ``created``; localstripe
    refuses that parameter, so the list is then filtered here."""
    ts = int(since.timestamp())
    try:
        page = api.PaymentIntent.list(limit=100, created={"gte": ts})
    except stripe.error.InvalidRequestError:
        page = api.PaymentIntent.list(limit=100)
    return [i for i in page.auto_paging_iter() if i.created >= ts]


def payments_reconcile(*, since=None, clinic=None) -> list[dict]:
    """Compare recent PaymentIntents at Stripe with our payments and bookings, clinic by
    clinic, each on its own Stripe account (only that clinic's rows are compared with
    what its account holds); repair what can be repaired and report the rest. Returns
    the findings (also logged)."""
    since = since or timezone.now() - datetime.timedelta(days=2)
    findings = []
    accounts = StripeAccount.objects.select_related("clinic").order_by("clinic_id")
    if clinic is not None:
        accounts = accounts.filter(clinic=clinic)
    for account in accounts:

        def found(problem, action, _clinic=account.clinic, **data):
            findings.append({"problem": problem, "action": action, "clinic": _clinic.slug, **data})
            log.warning("payments reconcile %s: %s → %s %s", _clinic.slug, problem, action, data)

        try:
            api = stripe_client(account.clinic)
        except PaymentError:
            found("no usable Stripe account", "skipped")
            continue
        _reconcile_clinic(account.clinic, api, since, found)
    return findings


def _reconcile_clinic(clinic, api, since, found):
    known = set()
    for payment in Payment.objects.filter(clinic=clinic, created_at__gte=since).exclude(
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
        payment = payment_for_intent(intent, clinic=clinic)
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
    _refunds_reconcile(clinic, api, since, found)
    _disputes_reconcile(clinic, api, since, found)


def _stripe_refund_for(api, refund):
    """The refund Stripe made for our row (its ``refund_id`` metadata), or None."""
    listed = api.Refund.list(payment_intent=refund.payment.stripe_payment_intent_id, limit=100)
    for item in listed.auto_paging_iter():
        if str(field(field(item, "metadata"), "refund_id")) == str(refund.pk):
            return item
    return None


def _refunds_reconcile(clinic, api, since, found):
    """Refunds recorded but never settled (the process died after asking Stripe, or
    Stripe could not be reached) are settled from what Stripe made, or sent again with
    their own key; refunds we hold as made are checked against Stripe's status."""
    stale = timezone.now() - PENDING_GRACE
    pending = Refund.objects.filter(
        payment__clinic=clinic, status=RefundStatus.PENDING, created_at__lt=stale
    )
    for refund in pending.select_related("payment").order_by("id"):
        try:
            at_stripe = _stripe_refund_for(api, refund)
        except stripe.error.StripeError as exc:
            found("refund unreadable", "reported", refund=refund.pk, error=str(exc))
            continue
        if at_stripe is not None:
            refund = refund_settle(refund_id=refund.pk, result=at_stripe)
            found("refund made at Stripe, not recorded", "settled", refund=refund.pk)
            continue
        try:
            refund = refund_send(refund_id=refund.pk)
        except PaymentError:
            refund.refresh_from_db()
            if refund.status == RefundStatus.PENDING:
                found("refund recorded, not sent", "send failed", refund=refund.pk)
                continue
        found("refund recorded, not sent", f"sent ({refund.status})", refund=refund.pk)
    made = Refund.objects.filter(
        payment__clinic=clinic, status=RefundStatus.SUCCEEDED, created_at__gte=since
    ).exclude(stripe_refund_id="")
    for refund in made.order_by("id"):
        try:
            at_stripe = api.Refund.retrieve(refund.stripe_refund_id)
        except stripe.error.StripeError as exc:
            found("refund unreadable", "reported", refund=refund.pk, error=str(exc))
            continue
        if field(at_stripe, "status") in ("failed", "canceled"):
            refund_mark_failed(
                refund_id=refund.pk, error=field(at_stripe, "failure_reason", "failed at Stripe")
            )
            found("refund failed at Stripe", "marked failed", refund=refund.pk)


def dispute_record(*, clinic, dispute):
    """Put a dispute read from ``clinic``'s Stripe account into the history of that
    clinic's payment it names, once per status. Returns the payment, or None when it is
    none of this clinic's payments (another clinic's is never touched)."""
    intent_id = object_id(field(dispute, "payment_intent"))
    payment = Payment.objects.filter(clinic=clinic, stripe_payment_intent_id=intent_id).first()
    if payment is None or not intent_id:
        return None
    seen = BookingEvent.objects.filter(
        booking_id=payment.booking_id,
        kind="payment_disputed",
        data__dispute=dispute["id"],
        data__status=field(dispute, "status"),
    ).exists()
    if not seen:
        booking_event_record(
            booking_id=payment.booking_id,
            kind="payment_disputed",
            data={
                "payment": payment.pk,
                "dispute": dispute["id"],
                "amount": field(dispute, "amount"),
                "currency": payment.currency,
                "reason": field(dispute, "reason", ""),
                "status": field(dispute, "status", ""),
            },
        )
        payment.newly_disputed = True
    return payment


def _disputes_reconcile(clinic, api, since, found):
    """A dispute at Stripe on one of our payments goes into its booking's history once
    and is reported for a human (evidence is the clinic's to give)."""
    try:
        page = api.Dispute.list(limit=100, created={"gte": int(since.timestamp())})
        disputes = list(page.auto_paging_iter())
    except stripe.error.StripeError as exc:
        if exc.http_status == 404:  # the local test server has no disputes API
            log.info("payments reconcile: this Stripe server has no disputes (%s)", exc)
            return
        found("disputes unreadable", "reported", error=str(exc))
        return
    for dispute in disputes:
        payment = dispute_record(clinic=clinic, dispute=dispute)
        if payment is None or not getattr(payment, "newly_disputed", False):
            continue
        found(
            "payment disputed",
            "recorded",
            payment=payment.pk,
            dispute=dispute["id"],
            status=field(dispute, "status", ""),
        )
