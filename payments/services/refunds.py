"""Refunds: one payment's, a staff amount over a booking's payments, the cancellation's
(by the policy or the amount staff chose), and a payment that arrived too late.

Refunds never exceed what was captured: the sum of earlier refunds is read with the
payment row locked (``select_for_update``; SQLite's IMMEDIATE transactions serialise).

A cancellation is refunded once, after commit: ``booking_api`` sends
``booking_cancelled``, ``payments.receivers`` queues ``refund_for_cancellation``, which
reads what the cancellation decided (its event's ``fee`` and ``refund_decided``) and
gives back only what is still due — running it again refunds nothing more.
"""

import stripe
from django.db import transaction
from django.db.models import Sum
from django.utils import translation
from django.utils.translation import gettext as _

from booking_api.lifecycle import BookingStatus
from booking_api.models import Booking
from booking_api.selectors import booking_last_move
from booking_api.services import booking_cancel, booking_event_record, booking_mark_refunded
from branding.money import format_money
from notifications.models import Category
from notifications.services import notify
from payments.errors import PaymentError, PaymentErrorCode, RefundTooLargeError, provider_error
from payments.models import Payment, PaymentStatus, Refund, RefundStatus
from payments.selectors import (
    FEE_KINDS,
    booking_refundable,
    cancellation_refund_due,
    payment_refundable,
    payment_refunded,
)
from payments.signals import refund_succeeded
from payments.stripe_api import stripe_client
from payments.task_queue import queue


@transaction.atomic
def refund_create(*, payment, amount=None, actor=None, reason="") -> Refund:
    """Refund ``amount`` (default: all that is left) of a payment. Never more than was
    captured, counting earlier refunds, even under concurrent requests."""
    # Lock order: booking, then payment (the refund number is per booking).
    Booking.objects.select_for_update().filter(pk=payment.booking_id).first()
    payment = Payment.objects.select_for_update().get(pk=payment.pk)
    if payment.status != PaymentStatus.SUCCEEDED:
        raise PaymentError(
            _("Only a completed payment can be refunded."),
            field="payment",
            code=PaymentErrorCode.NOT_REFUNDABLE,
        )
    remaining = payment.amount_captured - payment_refunded(payment)
    amount = remaining if amount is None else amount
    if amount <= 0:
        raise PaymentError(
            _("Give a refund amount greater than zero."),
            field="amount",
            code=PaymentErrorCode.AMOUNT_INVALID,
        )
    if amount > remaining:
        raise RefundTooLargeError(
            _("At most %(amount)s can be refunded on this payment (captured %(captured)s).")
            % {
                "amount": format_money(remaining, payment.currency),
                "captured": format_money(payment.amount_captured, payment.currency),
            },
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
        raise provider_error(exc) from exc  # rolls the refund row back
    refund.stripe_refund_id = result.id
    refund.status = RefundStatus.FAILED if result.status == "failed" else RefundStatus.SUCCEEDED
    refund.save(update_fields=["stripe_refund_id", "status"])
    booking_event_record(
        booking_id=payment.booking_id,
        kind="refund",
        actor=actor,
        data={
            "payment": payment.pk,
            "refund": refund.pk,
            "amount": amount,
            "currency": payment.currency,
            "reason": reason,
        },
    )
    _mark_refunded_if_all_back(payment.booking_id, actor)
    if refund.status == RefundStatus.SUCCEEDED:
        transaction.on_commit(lambda: _send_refund_succeeded(refund.pk))
    return refund


def _send_refund_succeeded(refund_id):
    refund = Refund.objects.select_related("payment__booking").get(pk=refund_id)
    refund_succeeded.send(sender=Refund, refund=refund, booking=refund.payment.booking)
    queue("email_refund_receipt", refund.pk)


def _mark_refunded_if_all_back(booking_id, actor):
    paid = Payment.objects.filter(booking_id=booking_id, status=PaymentStatus.SUCCEEDED)
    captured = paid.aggregate(total=Sum("amount_captured"))["total"] or 0
    refunded = (
        Refund.objects.filter(payment__in=paid)
        .exclude(status=RefundStatus.FAILED)
        .aggregate(total=Sum("amount"))["total"]
        or 0
    )
    if captured and refunded >= captured:
        booking_mark_refunded(booking_id=booking_id, actor=actor)


def _spread(payments, amount, *, actor, reason) -> list[Refund]:
    """Refund ``amount`` over ``payments`` in their order, each up to what it has left."""
    refunds = []
    for payment in payments:
        if amount <= 0:
            break
        part = min(payment_refundable(payment), amount)
        if part > 0:
            refunds.append(refund_create(payment=payment, amount=part, actor=actor, reason=reason))
            amount -= part
    return refunds


@transaction.atomic
def refund_for_cancellation(*, booking_id, actor=None) -> list[Refund]:
    """Refund a cancelled booking as its cancellation decided: the amount staff chose
    (``refund_decided``), or by the policy — everything captured less the
    late-cancellation fee (fees charged for the cancellation itself are never given
    back). Idempotent: running it again refunds nothing more."""
    booking = Booking.objects.select_for_update().select_related("client").get(pk=booking_id)
    if booking.status != BookingStatus.CANCELLED:
        return []
    cancel = booking_last_move(booking, BookingStatus.CANCELLED)
    if actor is None and cancel is not None and cancel.actor_id != booking.client.user_id:
        actor = cancel.actor  # the staff member who cancelled gave it back
    paid = booking.payments.filter(status=PaymentStatus.SUCCEEDED).order_by("-id")
    if cancel is not None and cancel.refund_decided is not None:
        # What staff chose, less what was refunded since they chose it.
        since = Refund.objects.filter(payment__booking=booking, created_at__gte=cancel.at).exclude(
            status=RefundStatus.FAILED
        )
        due = cancel.refund_decided - (since.aggregate(total=Sum("amount"))["total"] or 0)
        reason = cancel.reason or "Cancelled by the clinic."
        return _spread(paid, due, actor=actor, reason=reason)
    due = cancellation_refund_due(booking, fee=cancel.fee if cancel else 0)
    return _spread(
        paid.exclude(kind__in=FEE_KINDS),
        due,
        actor=actor,
        reason="Cancelled: refunded under the clinic's cancellation policy.",
    )


@transaction.atomic
def booking_refund(*, booking, amount, actor=None, reason="") -> list[Refund]:
    """Staff give back ``amount`` on a booking, newest payment first; never more than
    was captured less earlier refunds (checked with the booking locked)."""
    booking = Booking.objects.select_for_update().get(pk=booking.pk)
    _check_refund_amount(booking, amount)
    paid = booking.payments.filter(status=PaymentStatus.SUCCEEDED).order_by("-id")
    return _spread(paid, amount, actor=actor, reason=reason)


def _check_refund_amount(booking, amount):
    remaining = booking_refundable(booking)
    if amount is None or amount <= 0:
        raise PaymentError(
            _("Give a refund amount greater than zero."),
            field="amount",
            code=PaymentErrorCode.AMOUNT_INVALID,
        )
    if amount > remaining:
        raise RefundTooLargeError(
            _("At most %(amount)s can be refunded on this booking.")
            % {"amount": format_money(remaining, booking.currency)},
            field="amount",
        )


@transaction.atomic
def booking_cancel_with_refund(*, booking, actor, amount=None, reason="", waive_fee=False) -> int:
    """Staff cancel a booking and refund it: by the policy quote (``amount`` None) or
    any amount up to what was captured. The cancellation goes through
    ``booking_cancel`` like every other door, recording the choice; the refund follows
    after commit, once. ``waive_fee``: no late-cancellation fee (the policy's refund is
    then all that was paid). A refused amount leaves the booking as it was. Returns what
    will be refunded (minor units)."""
    booking = Booking.objects.select_for_update().get(pk=booking.pk)
    if amount is not None and amount != 0:
        _check_refund_amount(booking, amount)
    booking = booking_cancel(
        booking=booking,
        actor=actor,
        by_client=False,
        reason=reason,
        refund_decided=amount,
        waive_fee=waive_fee,
    )
    if amount is not None:
        return amount
    cancel = booking_last_move(booking, BookingStatus.CANCELLED)
    return cancellation_refund_due(booking, fee=cancel.fee if cancel else 0)


def refund_late_payment(*, payment_id):
    """A payment that succeeded after its booking was given up — its hold ran out, or it
    was cancelled before the payment went through — gives it all back and tells the
    patient which. Idempotent (nothing left to refund → nothing done)."""
    payment = Payment.objects.select_related(
        "booking__client__user", "booking__service", "clinic"
    ).get(pk=payment_id)
    if payment_refundable(payment) <= 0:
        return None
    booking = payment.booking
    cancel = booking_last_move(booking, BookingStatus.CANCELLED)
    hold_ran_out = cancel is None or bool((cancel.data or {}).get("hold_expired"))
    refund = refund_create(
        payment=payment,
        reason=(
            "Paid after the time held for the booking ran out; the slot was released."
            if hold_ran_out
            else "The booking was cancelled before the payment went through."
        ),
    )
    with translation.override(payment.clinic.language or "en"):
        values = {
            "service": booking.service.name,
            "amount": format_money(refund.amount, payment.currency),
        }
        if hold_ran_out:
            body = _(
                "Your payment for %(service)s arrived after the time we held for you had "
                "run out, and the time is no longer reserved. We have refunded it in full "
                "(%(amount)s); please book again."
            )
        else:
            body = _(
                "Your payment for %(service)s went through after the booking had been "
                "cancelled. We have refunded it in full (%(amount)s)."
            )
        title = _("Your payment has been refunded")
        notify(
            clinic=payment.clinic,
            user=booking.client.user,
            kind="payment_refunded",
            category=Category.BOOKING,
            title=str(title),
            body=body % values,
            idempotency_key=f"payment-{payment.pk}-late-refund",
        )
    return refund
