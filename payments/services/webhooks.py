"""Stripe webhooks: verified on their raw body, recorded once, processed by a task."""

import time

import stripe
from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from payments.charges import intent_handler_for
from payments.errors import PaymentError, PaymentErrorCode, provider_error
from payments.models import WebhookEvent
from payments.services.intents import payment_apply_intent, payment_for_intent
from payments.stripe_api import field, stripe_client
from payments.task_queue import queue

WEBHOOK_TOLERANCE_SECONDS = 300


def _signed_at(signature: str) -> int:
    """The ``t=`` timestamp of a ``Stripe-Signature`` header (0 when there is none)."""
    for part in (signature or "").split(","):
        key, _sep, value = part.strip().partition("=")
        if key == "t" and value.isdigit():
            return int(value)
    return 0


def webhook_receive(*, payload: bytes, signature: str) -> tuple[WebhookEvent, bool]:
    """Verify a Stripe webhook on its raw body and record the event once. Returns the
    record and whether it is new (new events are processed by a task after commit)."""
    try:
        event = stripe.Webhook.construct_event(
            payload,
            signature or "",
            settings.STRIPE_WEBHOOK_SECRET,
            tolerance=WEBHOOK_TOLERANCE_SECONDS,
        )
        # Stripe's check only refuses old timestamps; one from the future is as suspect.
        if _signed_at(signature) > time.time() + WEBHOOK_TOLERANCE_SECONDS:
            raise stripe.error.SignatureVerificationError("timestamp in the future", signature)
    except (ValueError, stripe.error.SignatureVerificationError) as exc:
        raise PaymentError(
            _("The webhook signature could not be verified."), code=PaymentErrorCode.BAD_SIGNATURE
        ) from exc
    obj = field(field(event, "data"), "object", {})
    with transaction.atomic():
        record, created = WebhookEvent.objects.get_or_create(
            stripe_event_id=event["id"],
            defaults={"type": event["type"], "object_id": field(obj, "id", "")},
        )
        if created:
            transaction.on_commit(lambda: queue("process_webhook_event", record.pk))
    return record, created


@transaction.atomic
def webhook_event_process(*, record_id) -> str:
    """Do the work of one recorded event, once. The object is read again from Stripe, so
    events arriving late or out of order never move a payment backwards."""
    record = WebhookEvent.objects.select_for_update().get(pk=record_id)
    if record.processed_at:
        return record.result
    result = "ignored"
    if record.type.startswith("payment_intent.") and record.object_id:
        try:
            intent = stripe_client().PaymentIntent.retrieve(record.object_id)
        except stripe.error.InvalidRequestError as exc:
            if exc.http_status != 404:
                raise provider_error(exc) from exc
            intent = None  # no retry can succeed: settle it without effect
        except stripe.error.StripeError as exc:
            raise provider_error(exc) from exc
        payment = payment_for_intent(intent) if intent is not None else None
        handler = intent_handler_for(intent) if intent is not None and payment is None else None
        if intent is None:
            result = f"unknown to Stripe: {record.object_id} (nothing done)"
        elif handler is not None:  # a purchase besides a booking (payments.charges)
            result = handler(intent)
        elif payment is None:
            result = "unknown payment intent (left to reconciliation)"
        else:
            payment = payment_apply_intent(payment_id=payment.pk, intent=intent)
            result = f"payment {payment.pk}: {payment.status}"
    record.processed_at = timezone.now()
    record.result = result[:255]
    record.save(update_fields=["processed_at", "result"])
    return result
