"""Every write of the payments app: checkout, confirmation, webhooks, refunds, the hold
expiry and reconciliation jobs.

No charge without a booking:
- a paid booking first holds its slot (``pending_payment``), the PaymentIntent is created
  for that booking with the idempotency key ``booking-<id>-<kind>``;
- success, from the synchronous confirmation or the webhook, goes through one function
  (``payment_apply_intent``) under a row lock, so it is handled once;
- a success that arrives after the hold lapsed (booking cancelled) is refunded and the
  patient told; a hold that lapses unpaid cancels its PaymentIntent and frees the slot;
- ``payments_reconcile`` compares Stripe with our rows and repairs what differs.

Refunds never exceed what was captured: the sum of earlier refunds is read with the
payment row locked (``select_for_update``; SQLite's IMMEDIATE transactions serialise).
"""

import datetime
import logging
from dataclasses import asdict, dataclass

import stripe
from django.db import transaction
from django.db.models import Sum
from django.utils import timezone

from booking_api.models import Booking, BookingEvent, BookingStatus
from booking_api.services import booking_transition
from branding.models import PaymentMode
from branding.money import format_money
from branding.selectors import clinic_policy
from notifications.models import Category
from notifications.services import notify
from payments import discounts
from payments.errors import CardDeclinedError, PaymentError, RefundTooLargeError
from payments.models import (
    Payment,
    PaymentKind,
    PaymentStatus,
    Refund,
    RefundStatus,
    WebhookEvent,
)
from payments.selectors import FEE_KINDS
from payments.signals import refund_succeeded
from payments.stripe_api import field, stripe_client
from payments.test_cards import TEST_CARDS, test_card_payment_method, uses_local_test_server

log = logging.getLogger(__name__)

WEBHOOK_TOLERANCE_SECONDS = 300
OPEN_STATUSES = (PaymentStatus.PENDING, PaymentStatus.REQUIRES_ACTION, PaymentStatus.PROCESSING)
INTENT_STATUS = {
    "requires_payment_method": PaymentStatus.PENDING,
    "requires_confirmation": PaymentStatus.PENDING,
    "requires_action": PaymentStatus.REQUIRES_ACTION,
    "processing": PaymentStatus.PROCESSING,
    "requires_capture": PaymentStatus.PROCESSING,
    "canceled": PaymentStatus.CANCELED,
}


def _provider_error(exc):
    log.warning("Stripe error: %s", exc)
    return PaymentError(
        "The payment provider could not be reached. Please try again in a moment.",
        code="payment_provider_error",
        status=502,
    )


def _history(booking_id, event_kind, **data):
    BookingEvent.objects.create(booking_id=booking_id, kind=event_kind, data=data)


# --- what is due ---------------------------------------------------------------------


@dataclass(frozen=True)
class CheckoutQuote:
    mode: str
    kind: str  # the Payment kind charged now, "" when nothing is
    price: int
    discount: int  # a reward the patient chose (the loyalty app fills this seam)
    deposit: int
    due_now: int
    balance_later: int
    currency: str

    def as_dict(self):
        return asdict(self)


def checkout_quote(booking, *, discount=0) -> CheckoutQuote:
    """What the patient pays now and later under the clinic's payment mode."""
    policy = clinic_policy(booking.clinic)
    mode = policy.payment_mode
    total = max(booking.price - discount, 0)
    deposit = booking.deposit
    if not deposit and policy.deposit_percent:
        deposit = total * policy.deposit_percent // 100
    deposit = min(deposit, total)
    if mode == PaymentMode.DEPOSIT and deposit:
        kind, due = PaymentKind.DEPOSIT, deposit
    elif mode == PaymentMode.FULL and total:
        kind, due = PaymentKind.FULL, total
    else:  # no online payment, or card on file (charged later)
        kind, due = "", 0
    return CheckoutQuote(
        mode=mode,
        kind=kind,
        price=booking.price,
        discount=discount,
        deposit=deposit if kind == PaymentKind.DEPOSIT else 0,
        due_now=due,
        balance_later=total - due,
        currency=booking.currency,
    )


def payment_hold_minutes(clinic) -> int | None:
    """How long a booking waits for payment, or None when this clinic takes none online."""
    policy = clinic_policy(clinic)
    if policy.payment_mode in (PaymentMode.DEPOSIT, PaymentMode.FULL):
        return policy.payment_hold_minutes
    return None


# --- checkout ------------------------------------------------------------------------


def _check_payable(booking, now=None):
    now = now or timezone.now()
    if booking.status != BookingStatus.PENDING_PAYMENT:
        raise PaymentError(
            f"This booking is {booking.get_status_display().lower()}, not awaiting payment.",
            field="booking",
            status=409,
            code="not_awaiting_payment",
        )
    if booking.hold_expires_at and booking.hold_expires_at <= now:
        raise PaymentError(
            "The time we held for you has run out. Please choose your time again.",
            field="booking",
            status=409,
            code="hold_expired",
        )


def checkout_discount(booking, voucher_ref=""):
    """The reward voucher's quote for this booking, or None; an unusable voucher is
    refused naming the field ``voucher``."""
    if not voucher_ref:
        return None
    quote = discounts.discount_quote(booking, voucher_ref)
    if quote is None:
        raise PaymentError(
            "That voucher cannot be used on this booking.", field="voucher", code="bad_voucher"
        )
    return quote


def checkout_start(*, booking, voucher_ref="") -> Payment:
    """Create (or find again) the booking's PaymentIntent for the amount due now. Safe to
    call twice: the row and the Stripe call share the key ``booking-<id>-<kind>``.
    Choosing another voucher before paying changes the amount of the same intent.
    The returned payment carries ``client_secret`` for Stripe.js."""
    booking = Booking.objects.select_related("clinic").get(pk=booking.pk)
    _check_payable(booking)
    voucher = checkout_discount(booking, voucher_ref)
    quote = checkout_quote(booking, discount=voucher.amount if voucher else 0)
    if not quote.due_now:
        raise PaymentError(
            "Nothing is due online for this booking.", field="booking", code="nothing_due"
        )
    key = f"booking-{booking.pk}-{quote.kind}"
    discount_fields = {
        "discount": quote.discount,
        "discount_label": voucher.label if voucher else "",
        "voucher_ref": voucher.voucher_ref if voucher else "",
    }
    with transaction.atomic():
        payment, _ = Payment.objects.select_for_update().get_or_create(
            idempotency_key=key,
            defaults={
                "clinic": booking.clinic,
                "booking": booking,
                "kind": quote.kind,
                "amount": quote.due_now,
                "currency": booking.currency,
                **discount_fields,
            },
        )
        changed = payment.status in OPEN_STATUSES and payment.amount != quote.due_now
        if changed or payment.voucher_ref != discount_fields["voucher_ref"]:
            payment.amount = quote.due_now
            for name, value in discount_fields.items():
                setattr(payment, name, value)
            payment.save()
    api = stripe_client()
    try:
        if payment.stripe_payment_intent_id:
            intent = api.PaymentIntent.retrieve(payment.stripe_payment_intent_id)
            if intent.amount != payment.amount and intent.status in (
                "requires_payment_method",
                "requires_confirmation",
            ):
                intent = api.PaymentIntent.modify(
                    intent.id,
                    amount=payment.amount,
                    idempotency_key=f"{key}-amount-{payment.amount}",
                )
        else:
            intent = api.PaymentIntent.create(
                amount=payment.amount,
                currency=payment.currency.lower(),
                metadata={
                    "booking_id": str(booking.pk),
                    "payment_id": str(payment.pk),
                    "clinic": booking.clinic.slug,
                    "kind": payment.kind,
                },
                idempotency_key=key,
            )
    except stripe.error.StripeError as exc:
        raise _provider_error(exc) from exc
    if not payment.stripe_payment_intent_id:
        Payment.objects.filter(pk=payment.pk, stripe_payment_intent_id="").update(
            stripe_payment_intent_id=intent.id
        )
        payment.refresh_from_db()
    payment.client_secret = intent.client_secret
    return payment


def payment_confirm(*, payment, payment_method) -> Payment:
    """Confirm on the server with a saved or test payment method. A decline raises
    ``CardDeclinedError`` with the card error in plain words; the hold is kept."""
    payment = Payment.objects.select_related("booking").get(pk=payment.pk)
    if payment.status == PaymentStatus.SUCCEEDED:
        return payment
    _check_payable(payment.booking)
    if not payment.stripe_payment_intent_id:
        raise PaymentError("Start the checkout first.", field="payment", code="no_intent")
    with transaction.atomic():
        payment = Payment.objects.select_for_update().get(pk=payment.pk)
        payment.confirm_attempts += 1
        payment.save(update_fields=["confirm_attempts", "updated_at"])
    attempt = payment.confirm_attempts
    api = stripe_client()
    pi = payment.stripe_payment_intent_id
    try:
        if payment_method in TEST_CARDS and uses_local_test_server():
            from payments.cards import customer_ensure

            customer = customer_ensure(client=payment.booking.client)
            payment_method = test_card_payment_method(
                payment_method, customer_id=customer.stripe_customer_id
            )
        # Stripe accepts payment_method on confirm too; localstripe only on update.
        api.PaymentIntent.modify(
            pi,
            payment_method=payment_method,
            idempotency_key=f"{payment.idempotency_key}-method-{attempt}",
        )
        intent = api.PaymentIntent.confirm(
            pi, idempotency_key=f"{payment.idempotency_key}-confirm-{attempt}"
        )
    except stripe.error.CardError as exc:
        message = exc.user_message or "Your card was declined."
        Payment.objects.filter(pk=payment.pk).update(last_error=message)
        _history(payment.booking_id, "payment_declined", payment=payment.pk, message=message)
        raise CardDeclinedError(
            f"{message} Your time is still held for you: please try another card.",
            field="payment_method",
        ) from exc
    except stripe.error.InvalidRequestError as exc:
        raise PaymentError(
            exc.user_message or "That card cannot be used.", field="payment_method"
        ) from exc
    except stripe.error.StripeError as exc:
        raise _provider_error(exc) from exc
    return payment_apply_intent(payment_id=payment.pk, intent=intent)


def payment_refresh(*, payment) -> Payment:
    """Read the payment's intent again from Stripe and apply it (the Payment Element's
    return page: Stripe.js confirmed in the browser, the webhook may not have arrived)."""
    if payment.status == PaymentStatus.SUCCEEDED or not payment.stripe_payment_intent_id:
        return payment
    try:
        intent = stripe_client().PaymentIntent.retrieve(payment.stripe_payment_intent_id)
    except stripe.error.StripeError as exc:
        raise _provider_error(exc) from exc
    return payment_apply_intent(payment_id=payment.pk, intent=intent)


def hold_minutes_left(booking, now=None) -> int:
    """Whole minutes (rounded up) before the booking's payment hold runs out."""
    if not booking.hold_expires_at:
        return 0
    seconds = (booking.hold_expires_at - (now or timezone.now())).total_seconds()
    return max(0, -int(-seconds // 60))


def checkout_mode(booking) -> str:
    """What the portal's checkout step does for this booking: "pay" (a held booking at a
    clinic taking a deposit or full payment), "save_card" (card on file, no card saved
    for it yet) or "" (nothing to do)."""
    policy = clinic_policy(booking.clinic)
    if booking.status == BookingStatus.PENDING_PAYMENT:
        return "pay"
    if policy.payment_mode == PaymentMode.CARD_ON_FILE and booking.status in (
        BookingStatus.BOOKED,
        BookingStatus.CONFIRMED,
    ):
        from payments.models import CardSetup, CardSetupStatus

        saved = CardSetup.objects.filter(booking=booking, status=CardSetupStatus.SUCCEEDED).exists()
        return "" if saved else "save_card"
    return ""


# --- the one place a PaymentIntent's state reaches our rows ---------------------------


@transaction.atomic
def payment_apply_intent(*, payment_id, intent) -> Payment:
    """Bring the payment (and its booking) in line with the PaymentIntent as Stripe has it
    now. Success is applied once; a success after the hold lapsed is refunded."""
    payment = Payment.objects.select_for_update().get(pk=payment_id)
    if payment.status == PaymentStatus.SUCCEEDED:
        return payment
    status = intent["status"]
    if status != "succeeded":
        new = INTENT_STATUS.get(status, payment.status)
        error = field(field(intent, "last_payment_error"), "message", "")
        if new != payment.status or error != payment.last_error:
            payment.status = new
            payment.last_error = error
            payment.save(update_fields=["status", "last_error", "updated_at"])
        return payment
    payment.status = PaymentStatus.SUCCEEDED
    payment.amount_captured = field(intent, "amount_received") or intent["amount"]
    payment.succeeded_at = timezone.now()
    payment.last_error = ""
    payment.save()
    _history(
        payment.booking_id,
        "payment",
        payment=payment.pk,
        kind=payment.kind,
        amount=payment.amount_captured,
        currency=payment.currency,
        stripe_payment_intent=intent["id"],
    )
    transaction.on_commit(lambda: _after_payment_succeeded(payment.pk))
    booking = Booking.objects.select_for_update().get(pk=payment.booking_id)
    if booking.status == BookingStatus.PENDING_PAYMENT:
        # Still ours even if the hold time passed: the slot was never given away.
        booking_transition(
            booking=booking,
            to_status=BookingStatus.BOOKED,
            reason="Paid online.",
            data={"payment": payment.pk, "amount": payment.amount_captured},
        )
    elif booking.status in (BookingStatus.CANCELLED, BookingStatus.REFUNDED) and payment.kind in (
        PaymentKind.DEPOSIT,
        PaymentKind.FULL,
    ):
        from payments import tasks

        transaction.on_commit(lambda: tasks.queue("refund_late_payment", payment.pk))
    return payment


def _after_payment_succeeded(payment_id):
    """Mark the voucher used and email the receipt, once the success is committed."""
    from payments import tasks

    payment = Payment.objects.select_related("booking").get(pk=payment_id)
    if payment.voucher_ref:
        discounts.voucher_used(voucher_ref=payment.voucher_ref, payment=payment)
    tasks.queue("email_payment_receipt", payment_id)


def refund_late_payment(*, payment_id):
    """A payment that succeeded after its booking was given up: give it all back and tell
    the patient. Idempotent (nothing left to refund → nothing done)."""
    payment = Payment.objects.select_related("booking__client__user", "clinic").get(pk=payment_id)
    if _refundable(payment) <= 0:
        return None
    refund = refund_create(
        payment=payment,
        reason="Paid after the time held for the booking ran out; the slot was released.",
    )
    booking = payment.booking
    notify(
        clinic=payment.clinic,
        user=booking.client.user,
        kind="payment_refunded",
        category=Category.BOOKING,
        title="Your payment has been refunded",
        body=(
            f"Your payment for {booking.service} arrived after the time we held for you "
            f"had run out, and the time is no longer reserved. We have refunded it in full "
            f"({_money(refund.amount, payment.currency)}); please book again."
        ),
        idempotency_key=f"payment-{payment.pk}-late-refund",
    )
    return refund


def _money(amount, currency):
    return format_money(amount, currency)


# --- refunds -------------------------------------------------------------------------


def _refunded(payment) -> int:
    return (
        payment.refunds.exclude(status=RefundStatus.FAILED).aggregate(total=Sum("amount"))["total"]
        or 0
    )


def _refundable(payment) -> int:
    if payment.status != PaymentStatus.SUCCEEDED:
        return 0
    return payment.amount_captured - _refunded(payment)


@transaction.atomic
def refund_create(*, payment, amount=None, actor=None, reason="") -> Refund:
    """Refund ``amount`` (default: all that is left) of a payment. Never more than was
    captured, counting earlier refunds, even under concurrent requests."""
    # Lock order: booking, then payment (the refund number is per booking).
    Booking.objects.select_for_update().filter(pk=payment.booking_id).first()
    payment = Payment.objects.select_for_update().get(pk=payment.pk)
    if payment.status != PaymentStatus.SUCCEEDED:
        raise PaymentError("Only a completed payment can be refunded.", field="payment")
    remaining = payment.amount_captured - _refunded(payment)
    amount = remaining if amount is None else amount
    if amount <= 0:
        raise PaymentError("Give a refund amount greater than zero.", field="amount")
    if amount > remaining:
        raise RefundTooLargeError(
            f"At most {_money(remaining, payment.currency)} can be refunded on this payment "
            f"(captured {_money(payment.amount_captured, payment.currency)}).",
            field="amount",
        )
    n = Refund.objects.filter(payment__booking_id=payment.booking_id).count() + 1
    key = f"booking-{payment.booking_id}-refund-{n}"
    refund = Refund.objects.create(
        payment=payment, amount=amount, idempotency_key=key, reason=reason, actor=actor
    )
    try:
        result = stripe_client().Refund.create(
            payment_intent=payment.stripe_payment_intent_id,
            amount=amount,
            metadata={"booking_id": str(payment.booking_id), "refund_id": str(refund.pk)},
            idempotency_key=key,
        )
    except stripe.error.StripeError as exc:
        raise _provider_error(exc) from exc  # rolls the refund row back
    refund.stripe_refund_id = result.id
    refund.status = RefundStatus.FAILED if result.status == "failed" else RefundStatus.SUCCEEDED
    refund.save(update_fields=["stripe_refund_id", "status"])
    _history(
        payment.booking_id,
        "refund",
        payment=payment.pk,
        refund=refund.pk,
        amount=amount,
        currency=payment.currency,
        reason=reason,
    )
    _mark_refunded_if_all_back(payment.booking_id, actor)
    if refund.status == RefundStatus.SUCCEEDED:
        transaction.on_commit(lambda: _send_refund_succeeded(refund.pk))
    return refund


def _send_refund_succeeded(refund_id):
    refund = Refund.objects.select_related("payment__booking").get(pk=refund_id)
    refund_succeeded.send(sender=Refund, refund=refund, booking=refund.payment.booking)
    from payments import tasks

    tasks.queue("email_refund_receipt", refund.pk)


def _mark_refunded_if_all_back(booking_id, actor):
    booking = Booking.objects.get(pk=booking_id)
    if booking.status not in (
        BookingStatus.CANCELLED,
        BookingStatus.COMPLETED,
        BookingStatus.NO_SHOW,
    ):
        return
    paid = booking.payments.filter(status=PaymentStatus.SUCCEEDED)
    captured = paid.aggregate(total=Sum("amount_captured"))["total"] or 0
    refunded = (
        Refund.objects.filter(payment__in=paid)
        .exclude(status=RefundStatus.FAILED)
        .aggregate(total=Sum("amount"))["total"]
        or 0
    )
    if captured and refunded >= captured:
        booking_transition(
            booking=booking, to_status=BookingStatus.REFUNDED, actor=actor, reason="Refunded."
        )


def _cancellation_fee(booking) -> int:
    event = (
        BookingEvent.objects.filter(booking=booking, kind="status", to_status="cancelled")
        .order_by("-at", "-id")
        .first()
    )
    quote = ((event.data if event else None) or {}).get("quote") or {}
    return int(quote.get("fee") or 0)


@transaction.atomic
def refund_for_cancellation(*, booking_id, actor=None) -> list[Refund]:
    """Refund a cancelled booking by the policy quote recorded when it was cancelled:
    everything captured less the late-cancellation fee. Running it again refunds nothing
    more; nothing is done when staff chose the refund themselves (``refund_decided``)."""
    booking = Booking.objects.select_for_update().get(pk=booking_id)
    if booking.status != BookingStatus.CANCELLED:
        return []
    if booking.events.filter(kind="refund_decided").exists():
        return []
    # Fees charged for the cancellation itself are never given back by the policy.
    paid = list(
        booking.payments.filter(status=PaymentStatus.SUCCEEDED)
        .exclude(kind__in=FEE_KINDS)
        .order_by("-id")
    )
    captured = sum(p.amount_captured for p in paid)
    already = sum(_refunded(p) for p in paid)
    due = max(captured - _cancellation_fee(booking), 0) - already
    refunds = []
    for payment in paid:
        if due <= 0:
            break
        amount = min(_refundable(payment), due)
        if amount > 0:
            refunds.append(
                refund_create(
                    payment=payment,
                    amount=amount,
                    actor=actor,
                    reason="Cancelled: refunded under the clinic's cancellation policy.",
                )
            )
            due -= amount
    return refunds


def booking_refundable(booking) -> int:
    """What can still be given back on the booking (all its succeeded payments)."""
    paid = booking.payments.filter(status=PaymentStatus.SUCCEEDED)
    return sum(_refundable(p) for p in paid)


@transaction.atomic
def booking_refund(*, booking, amount, actor=None, reason="") -> list[Refund]:
    """Staff give back ``amount`` on a booking, newest payment first; never more than
    was captured less earlier refunds (checked with the booking locked)."""
    booking = Booking.objects.select_for_update().get(pk=booking.pk)
    remaining = booking_refundable(booking)
    if amount is None or amount <= 0:
        raise PaymentError("Give a refund amount greater than zero.", field="amount")
    if amount > remaining:
        raise RefundTooLargeError(
            f"At most {_money(remaining, booking.currency)} can be refunded on this booking.",
            field="amount",
        )
    refunds = []
    for payment in booking.payments.filter(status=PaymentStatus.SUCCEEDED).order_by("-id"):
        part = min(_refundable(payment), amount)
        if part > 0:
            refunds.append(refund_create(payment=payment, amount=part, actor=actor, reason=reason))
            amount -= part
        if amount <= 0:
            break
    return refunds


@transaction.atomic
def booking_cancel_with_refund(*, booking, actor, amount=None, reason="") -> list[Refund]:
    """Staff cancel a booking and refund it: by the policy quote (``amount`` None) or
    any amount up to what was captured. All or nothing: a refused refund leaves the
    booking as it was."""
    from booking_api.services import booking_cancel

    booking = booking_cancel(booking=booking, actor=actor, by_client=False, reason=reason)
    if amount is None:
        return refund_for_cancellation(booking_id=booking.pk, actor=actor)
    _history(booking.pk, "refund_decided", amount=amount, actor=actor.pk if actor else None)
    if amount == 0:
        return []
    return booking_refund(
        booking=booking, amount=amount, actor=actor, reason=reason or "Cancelled by the clinic."
    )


# --- webhooks ------------------------------------------------------------------------


def webhook_receive(*, payload: bytes, signature: str) -> tuple[WebhookEvent, bool]:
    """Verify a Stripe webhook on its raw body and record the event once. Returns the
    record and whether it is new (new events are processed by a task after commit)."""
    from django.conf import settings

    try:
        event = stripe.Webhook.construct_event(
            payload,
            signature or "",
            settings.STRIPE_WEBHOOK_SECRET,
            tolerance=WEBHOOK_TOLERANCE_SECONDS,
        )
    except (ValueError, stripe.error.SignatureVerificationError) as exc:
        raise PaymentError(
            "The webhook signature could not be verified.", code="bad_signature", status=400
        ) from exc
    obj = field(field(event, "data"), "object", {})
    with transaction.atomic():
        record, created = WebhookEvent.objects.get_or_create(
            stripe_event_id=event["id"],
            defaults={"type": event["type"], "object_id": field(obj, "id", "")},
        )
        if created:
            from payments import tasks

            transaction.on_commit(lambda: tasks.queue("process_webhook_event", record.pk))
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
        except stripe.error.StripeError as exc:
            raise _provider_error(exc) from exc
        payment = _payment_for_intent(intent)
        if payment is None:
            result = "unknown payment intent (left to reconciliation)"
        else:
            payment = payment_apply_intent(payment_id=payment.pk, intent=intent)
            result = f"payment {payment.pk}: {payment.status}"
    record.processed_at = timezone.now()
    record.result = result[:255]
    record.save(update_fields=["processed_at", "result"])
    return result


def _payment_for_intent(intent):
    payment = Payment.objects.filter(stripe_payment_intent_id=intent["id"]).first()
    if payment is None:
        payment_id = field(field(intent, "metadata"), "payment_id")
        if payment_id and str(payment_id).isdigit():
            payment = Payment.objects.filter(pk=int(payment_id)).first()
            if payment is not None and not payment.stripe_payment_intent_id:
                Payment.objects.filter(pk=payment.pk).update(stripe_payment_intent_id=intent["id"])
                payment.stripe_payment_intent_id = intent["id"]
            elif payment is not None and payment.stripe_payment_intent_id != intent["id"]:
                return None
    return payment


# --- holds that run out --------------------------------------------------------------


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
            raise _provider_error(exc) from exc
        payment = payment_apply_intent(payment_id=payment.pk, intent=intent)
        if payment.status == PaymentStatus.SUCCEEDED:
            return "paid"
    with transaction.atomic():
        booking = Booking.objects.select_for_update().get(pk=booking_id)
        if booking.status != BookingStatus.PENDING_PAYMENT:
            return booking.status
        if booking.hold_expires_at is None or booking.hold_expires_at > now:
            return "held"
        booking_transition(
            booking=booking,
            to_status=BookingStatus.CANCELLED,
            reason="The time held for payment ran out.",
            data={"hold_expired": True},
        )
    return "released"


def holds_expire(*, now=None) -> dict:
    """The scheduled job: release every hold whose time has run out."""
    now = now or timezone.now()
    ids = Booking.objects.filter(
        status=BookingStatus.PENDING_PAYMENT, hold_expires_at__lte=now
    ).values_list("pk", flat=True)
    return {booking_id: hold_expire(booking_id=booking_id, now=now) for booking_id in ids}


# --- reconciliation ------------------------------------------------------------------


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
                with transaction.atomic():
                    booking_transition(
                        booking=booking,
                        to_status=BookingStatus.BOOKED,
                        reason="Paid online (found by reconciliation).",
                        data={"payment": payment.pk},
                    )
                found("paid but booking still held", "booking confirmed", payment=payment.pk)
            elif (
                booking.status == BookingStatus.CANCELLED
                and _refundable(payment) > 0
                and refund_for_cancellation(booking_id=booking.pk)
            ):
                found("cancelled booking not refunded", "refunded", payment=payment.pk)
    for intent in _recent_intents(api, since):
        if intent.id in known:
            continue
        payment = _payment_for_intent(intent)
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
