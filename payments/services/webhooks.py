"""Stripe webhooks: verified on their raw body, routed to the clinic whose Stripe account
they come from, recorded once, processed by a task.

Two doors:

- the platform's endpoint (``/payments/stripe/webhook``, Stripe Connect), signed with
  ``STRIPE_WEBHOOK_SECRET``: the event's ``account`` names the connected account, and the
  clinic that owns it is the only one the event may touch;
- a clinic's own endpoint (``/payments/stripe/webhook/<clinic slug>``, own keys),
  signed with that clinic's webhook secret.

An event for an account no clinic owns (or the platform's own) is recorded as ignored
and logged, and nothing else happens. Processing reads the object again from the
clinic's account, and only that clinic's rows are looked at, so a payment, refund or
dispute never lands on another clinic.
"""

import logging
import time

import stripe
from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from payments.charges import event_handler_for, intent_handler_for
from payments.errors import PaymentError, PaymentErrorCode, provider_error
from payments.models import StripeAccount, StripeAccountKind, WebhookEvent
from payments.services.intents import payment_apply_intent, payment_for_intent
from payments.stripe_api import field, object_id, stripe_client, webhook_secret_for
from payments.task_queue import queue

log = logging.getLogger("payments.webhooks")

WEBHOOK_TOLERANCE_SECONDS = 300


def _signed_at(signature: str) -> int:
    """The ``t=`` timestamp of a ``Stripe-Signature`` header (0 when there is none)."""
    for part in (signature or "").split(","):
        key, _sep, value = part.strip().partition("=")
        if key == "t" and value.isdigit():
            return int(value)
    return 0


def _bad_signature():
    return PaymentError(
        _("The webhook signature could not be verified."), code=PaymentErrorCode.BAD_SIGNATURE
    )


def _verified(payload, signature, secret):
    if not secret:
        raise _bad_signature()
    try:
        event = stripe.Webhook.construct_event(
            payload, signature or "", secret, tolerance=WEBHOOK_TOLERANCE_SECONDS
        )
        # Stripe's check only refuses old timestamps; one from the future is as suspect.
        if _signed_at(signature) > time.time() + WEBHOOK_TOLERANCE_SECONDS:
            raise stripe.error.SignatureVerificationError("timestamp in the future", signature)
    except (ValueError, stripe.error.SignatureVerificationError) as exc:
        raise _bad_signature() from exc
    return event


def _owner(event, clinic_slug):
    """The clinic the event belongs to, or None (nobody's: ignored)."""
    account_id = field(event, "account", "") or ""
    if clinic_slug is None:  # Connect: the connected account says whose it is
        if not account_id:
            return None
        account = (
            StripeAccount.objects.filter(kind=StripeAccountKind.CONNECT, account_id=account_id)
            .select_related("clinic")
            .first()
        )
        return account.clinic if account else None
    return None if account_id else "own"  # a clinic's own keys have no connected account


def webhook_receive(*, payload: bytes, signature: str, clinic_slug=None):
    """Verify a Stripe webhook on its raw body, find the clinic it belongs to and record
    the event once. ``clinic_slug``: the clinic's own endpoint (own keys), else the
    platform's (Connect). Returns the record and whether it is new (new events of a
    clinic are processed by a task after commit)."""
    own = None
    if clinic_slug is None:
        secret = settings.STRIPE_WEBHOOK_SECRET
    else:
        own = (
            StripeAccount.objects.filter(kind=StripeAccountKind.OWN_KEYS, clinic__slug=clinic_slug)
            .select_related("clinic")
            .first()
        )
        secret = webhook_secret_for(own) if own else ""
    event = _verified(payload, signature, secret)
    owner = _owner(event, clinic_slug)
    clinic = own.clinic if owner == "own" else owner
    account_id = field(event, "account", "") or ""
    obj = field(field(event, "data"), "object", {})
    with transaction.atomic():
        record, created = WebhookEvent.objects.get_or_create(
            stripe_event_id=event["id"],
            defaults={
                "type": event["type"],
                "object_id": field(obj, "id", ""),
                "clinic": clinic,
                "account_id": account_id,
            },
        )
        if created and clinic is None:
            record.processed_at = timezone.now()
            record.result = f"ignored: no clinic owns account {account_id or '(none)'}"[:255]
            record.save(update_fields=["processed_at", "result"])
            log.warning(
                "Stripe webhook %s (%s) ignored: no clinic owns account %r",
                event["id"],
                event["type"],
                account_id,
            )
        elif created:
            transaction.on_commit(lambda: queue("process_webhook_event", record.pk))
    return record, created


def _payment_intent_event(record, clinic) -> str:
    try:
        intent = stripe_client(clinic).PaymentIntent.retrieve(record.object_id)
    except stripe.error.InvalidRequestError as exc:
        if exc.http_status != 404:
            raise provider_error(exc) from exc
        intent = None  # no retry can succeed: settle it without effect
    except stripe.error.StripeError as exc:
        raise provider_error(exc) from exc
    if intent is None:
        return f"unknown to Stripe: {record.object_id} (nothing done)"
    payment = payment_for_intent(intent, clinic=clinic)
    handler = intent_handler_for(intent) if payment is None else None
    if handler is not None:  # a purchase besides a booking (payments.charges)
        return handler(intent, clinic=clinic)
    if payment is None:
        return "unknown payment intent (left to reconciliation)"
    payment = payment_apply_intent(payment_id=payment.pk, intent=intent)
    return f"payment {payment.pk}: {payment.status}"


def _dispute_event(record, clinic) -> str:
    from payments.services.reconciliation import dispute_record

    try:
        dispute = stripe_client(clinic).Dispute.retrieve(record.object_id)
    except stripe.error.InvalidRequestError as exc:
        if exc.http_status != 404:
            raise provider_error(exc) from exc
        return f"unknown to Stripe: {record.object_id} (nothing done)"
    except stripe.error.StripeError as exc:
        raise provider_error(exc) from exc
    payment = dispute_record(clinic=clinic, dispute=dispute)
    if payment is None:
        return f"dispute on an unknown payment intent {object_id(field(dispute, 'payment_intent'))}"
    return f"payment {payment.pk}: disputed ({field(dispute, 'status', '')})"


@transaction.atomic
def webhook_event_process(*, record_id) -> str:
    """Do the work of one recorded event, once, for the clinic it belongs to. The object
    is read again from that clinic's Stripe account, so events arriving late or out of
    order never move a payment backwards."""
    from payments.services.accounts import connect_account_refresh

    # Only the event's row is locked (PostgreSQL refuses FOR UPDATE on the nullable
    # side of the join to its clinic).
    record = (
        WebhookEvent.objects.select_for_update(of=("self",))
        .select_related("clinic")
        .get(pk=record_id)
    )
    if record.processed_at:
        return record.result
    clinic = record.clinic
    result = "ignored"
    if clinic is None:
        result = "ignored: no clinic"
    elif record.type.startswith("payment_intent.") and record.object_id:
        result = _payment_intent_event(record, clinic)
    elif record.type.startswith("charge.dispute.") and record.object_id:
        result = _dispute_event(record, clinic)
    elif record.object_id and (handler := event_handler_for(record.type)) is not None:
        result = handler(record.type, record.object_id, clinic=clinic)
    elif record.type == "account.updated" and record.account_id:
        account = connect_account_refresh(clinic=clinic)
        result = (
            f"account {account.account_id}: charges {'on' if account.charges_enabled else 'off'}"
        )
    record.processed_at = timezone.now()
    record.result = result[:255]
    record.save(update_fields=["processed_at", "result"])
    return result
