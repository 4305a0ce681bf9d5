"""The one place a PaymentIntent's state reaches our rows (the synchronous
confirmation, the webhook, the hold expiry and reconciliation all come here), under a
row lock, so success is applied once."""

import logging

from django.db import transaction
from django.utils import timezone

from booking_api.lifecycle import CANCELLED_STATUSES, BookingStatus
from booking_api.models import Booking
from booking_api.services import booking_confirm_paid, booking_event_record
from payments import discounts
from payments.customers import card_save
from payments.models import (
    Payment,
    PaymentKind,
    PaymentLink,
    PaymentLinkStatus,
    PaymentStatus,
    ReceiptSeries,
    StripeCustomer,
)
from payments.services.receipt_numbers import receipt_number_issue
from payments.stripe_api import field, object_id
from payments.task_queue import queue

logger = logging.getLogger(__name__)

OPEN_STATUSES = (PaymentStatus.PENDING, PaymentStatus.REQUIRES_ACTION, PaymentStatus.PROCESSING)
INTENT_STATUS = {
    "requires_payment_method": PaymentStatus.PENDING,
    "requires_confirmation": PaymentStatus.PENDING,
    "requires_action": PaymentStatus.REQUIRES_ACTION,
    "processing": PaymentStatus.PROCESSING,
    "requires_capture": PaymentStatus.PROCESSING,
    "canceled": PaymentStatus.CANCELED,
}


@transaction.atomic
def payment_apply_intent(*, payment_id, intent) -> Payment:
    """Bring the payment (and its booking) in line with the PaymentIntent as Stripe has it
    now. Success is applied once; a success after the hold lapsed is refunded."""
    # Lock order: booking, then payment (as checkout_start and refund_create), so a
    # webhook and a checkout on the same booking queue instead of deadlocking.
    booking_id = Payment.objects.values_list("booking_id", flat=True).get(pk=payment_id)
    Booking.objects.select_for_update().filter(pk=booking_id).first()
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
    # A payment link paid (payments.pay_links): closed, once. Money taken stands, even on
    # a link cancelled a moment before.
    PaymentLink.objects.filter(payment=payment).exclude(status=PaymentLinkStatus.PAID).update(
        status=PaymentLinkStatus.PAID, paid_at=payment.succeeded_at
    )
    booking_event_record(
        booking_id=payment.booking_id,
        kind="payment",
        data={
            "payment": payment.pk,
            "kind": payment.kind,
            "amount": payment.amount_captured,
            "currency": payment.currency,
            "stripe_payment_intent": intent["id"],
        },
    )
    transaction.on_commit(lambda: _after_payment_succeeded(payment.pk))
    if field(intent, "setup_future_usage"):  # the patient asked to keep the card
        method, customer = object_id(field(intent, "payment_method")), field(intent, "customer")
        transaction.on_commit(lambda: _card_keep(payment.pk, method, object_id(customer)))
    booking = Booking.objects.select_for_update().get(pk=payment.booking_id)
    if booking.status == BookingStatus.PENDING_PAYMENT:
        # Still ours even if the hold time passed: the slot was never given away.
        booking_confirm_paid(booking=booking, payment_id=payment.pk, amount=payment.amount_captured)
    elif booking.status in CANCELLED_STATUSES and payment.kind in (
        PaymentKind.DEPOSIT,
        PaymentKind.FULL,
    ):
        transaction.on_commit(lambda: queue("refund_late_payment", payment.pk))
    # Last, after the other locks: the clinic's next payment receipt number.
    receipt_number_issue(payment, clinic=payment.clinic, series=ReceiptSeries.PAYMENT)
    return payment


def _after_payment_succeeded(payment_id):
    """Mark the voucher used and email the receipt, once the success is committed."""
    payment = Payment.objects.select_related("booking").get(pk=payment_id)
    if payment.voucher_ref:
        discounts.voucher_used(voucher_ref=payment.voucher_ref, payment=payment)
    if payment.kind != PaymentKind.DESK:  # the desk checkout's one receipt lists it
        queue("email_payment_receipt", payment_id)


def _card_keep(payment_id, method_id, customer_id):
    """Save the card a successful payment was made with, when the patient ticked "Save
    this card" (``setup_future_usage``): for the booking's own client, and only if the
    intent's Customer is theirs. After the commit, outside any lock: a failure here is
    logged and never undoes the payment (reconciliation would not either)."""
    payment = Payment.objects.select_related("booking__client__clinic").get(pk=payment_id)
    client = payment.booking.client
    customer = StripeCustomer.objects.filter(client=client).first()
    if not method_id or customer is None or customer.stripe_customer_id != customer_id:
        return None
    try:
        card = card_save(client=client, customer=customer, payment_method_id=method_id)
    except Exception:  # noqa: BLE001 - the payment stands whatever happens here
        logger.exception("Could not save the card of payment %s", payment_id)
        return None
    Payment.objects.filter(pk=payment_id, saved_card__isnull=True).update(saved_card=card)
    booking_event_record(
        booking_id=payment.booking_id,
        kind="card_saved",
        data={"card": card.pk, "last4": card.last4, "payment": payment_id},
    )
    return card


def payment_for_intent(intent, *, clinic):
    """``clinic``'s payment behind a PaymentIntent read from its Stripe account (by id,
    or by the ``payment_id`` in its metadata, linking it then), or None. Another
    clinic's payment is never found, whatever the intent says."""
    payments = Payment.objects.filter(clinic=clinic)
    payment = payments.filter(stripe_payment_intent_id=intent["id"]).first()
    if payment is None:
        payment_id = field(field(intent, "metadata"), "payment_id")
        if payment_id and str(payment_id).isdigit():
            payment = payments.filter(pk=int(payment_id)).first()
            if payment is not None and not payment.stripe_payment_intent_id:
                Payment.objects.filter(pk=payment.pk).update(stripe_payment_intent_id=intent["id"])
                payment.stripe_payment_intent_id = intent["id"]
            elif payment is not None and payment.stripe_payment_intent_id != intent["id"]:
                return None
    return payment
