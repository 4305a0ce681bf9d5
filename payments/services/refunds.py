"""Refunds: one payment's, a staff amount over a booking's payments, the cancellation's
(by the policy or the amount staff chose), and a payment that arrived too late.

Every refund is made in three steps, like a card-on-file charge (``payments.cards``):

1. ``refunds_record`` writes the ``Refund`` rows as ``pending`` and commits. The amount
   is checked with the booking and payment rows locked (``select_for_update``; SQLite's
   IMMEDIATE transactions serialise), counting pending refunds, so refunds never exceed
   what was captured. Each row's idempotency key is ``refund-<its id>``.
2. ``refund_send`` calls Stripe outside any transaction or row lock, with that key and
   the row's id in the refund's metadata.
3. ``refund_settle`` applies Stripe's answer once (status, booking history, the booking
   marked refunded when everything went back, ``refund_succeeded`` after commit).

A process that dies between 2 and 3, or a Stripe that cannot be reached, leaves the row
``pending``; reconciliation (``payments.services.reconciliation``) finds the refund at
Stripe by its metadata, or asks again with the same key, and settles it.

A cancellation is refunded once, after commit: ``booking_api`` sends
``booking_cancelled``, ``payments.receivers`` queues ``refund_for_cancellation``, which
reads what the cancellation decided (its event's ``fee`` and ``refund_decided``) and
gives back only what is still due — running it again refunds nothing more.
"""

import uuid

import stripe
from django.db import transaction
from django.db.models import Sum
from django.utils.translation import gettext as _

from booking_api.lifecycle import BookingStatus
from booking_api.models import Booking
from booking_api.selectors import booking_last_move
from booking_api.services import booking_cancel, booking_event_record, booking_mark_refunded
from branding.money import format_money
from notifications.language import speaking_to
from notifications.models import Category
from notifications.services import notify
from payments.errors import PaymentError, PaymentErrorCode, RefundTooLargeError, provider_error
from payments.models import Payment, PaymentStatus, ReceiptSeries, Refund, RefundStatus
from payments.selectors import (
    FEE_KINDS,
    booking_refundable,
    cancellation_refund_due,
    cancellation_refund_owed,
    payment_refundable,
    payment_refunded,
)
from payments.services.receipt_numbers import receipt_number_issue
from payments.signals import refund_succeeded
from payments.stripe_api import field, stripe_client
from payments.task_queue import queue

# Stripe may or may not have made the refund: the row stays pending for reconciliation.
UNKNOWN_OUTCOME = (
    stripe.error.APIConnectionError,
    stripe.error.APIError,
    stripe.error.RateLimitError,
)


def _refund_record(*, payment, amount, actor, reason) -> Refund:
    """One pending refund of ``payment`` (the booking and payment rows locked by the
    caller's transaction). Never more than was captured less earlier refunds."""
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
    refund = Refund.objects.create(
        payment=payment,
        amount=amount,
        idempotency_key=f"new-{uuid.uuid4()}",
        reason=reason,
        actor=actor,
    )
    # The key Stripe sees is derived from our own record, set in the same transaction.
    refund.idempotency_key = f"refund-{refund.pk}"
    refund.save(update_fields=["idempotency_key"])
    return refund


@transaction.atomic
def refund_record(*, payment, amount=None, actor=None, reason="") -> Refund:
    """Record (and commit, when called outside a transaction) a pending refund of
    ``amount`` (default: all that is left) of a payment; ``refund_send`` sends it."""
    # Lock order: booking, then payment (as checkout and payment_apply_intent).
    Booking.objects.select_for_update().filter(pk=payment.booking_id).first()
    return _refund_record(payment=payment, amount=amount, actor=actor, reason=reason)


def refund_send(*, refund_id) -> Refund:
    """Ask Stripe for a recorded refund and settle it. Call it outside any transaction:
    no row is locked while Stripe is asked. A refund no longer pending is returned as
    it is (running it twice refunds once)."""
    refund = Refund.objects.select_related("payment__clinic").get(pk=refund_id)
    if refund.status != RefundStatus.PENDING:
        return refund
    payment = refund.payment
    try:
        result = stripe_client(payment.clinic).Refund.create(
            payment_intent=payment.stripe_payment_intent_id,
            amount=refund.amount,
            metadata={"booking_id": str(payment.booking_id), "refund_id": str(refund.pk)},
            idempotency_key=refund.idempotency_key,
        )
    except UNKNOWN_OUTCOME as exc:
        raise provider_error(exc) from exc
    except stripe.error.StripeError as exc:
        refund_settle(refund_id=refund.pk, result=None, error=str(exc))
        raise provider_error(exc) from exc
    return refund_settle(refund_id=refund.pk, result=result)


def refunds_send(refunds) -> list[Refund]:
    """Send each recorded refund in turn (see ``refund_send``)."""
    return [refund_send(refund_id=refund.pk) for refund in refunds]


@transaction.atomic
def refund_settle(*, refund_id, result, error="") -> Refund:
    """Apply Stripe's answer to a pending refund once: ``result`` the Stripe refund (its
    status ``failed`` or ``canceled`` fails ours), or None with ``error`` when Stripe
    refused it."""
    booking_id = Refund.objects.values_list("payment__booking_id", flat=True).get(pk=refund_id)
    Booking.objects.select_for_update().filter(pk=booking_id).first()
    refund = Refund.objects.select_for_update().select_related("payment").get(pk=refund_id)
    if refund.status != RefundStatus.PENDING:
        return refund
    payment = refund.payment
    failed = result is None or field(result, "status") in ("failed", "canceled")
    refund.status = RefundStatus.FAILED if failed else RefundStatus.SUCCEEDED
    if result is not None:
        refund.stripe_refund_id = result["id"]
    refund.save(update_fields=["stripe_refund_id", "status"])
    data = {
        "payment": payment.pk,
        "refund": refund.pk,
        "amount": refund.amount,
        "currency": payment.currency,
        "reason": refund.reason,
    }
    if failed:
        data["error"] = error or field(result, "failure_reason", "")
    booking_event_record(
        booking_id=payment.booking_id,
        kind="refund_failed" if failed else "refund",
        actor=refund.actor,
        data=data,
    )
    if not failed:
        _mark_refunded_if_all_back(payment.booking_id, refund.actor)
        transaction.on_commit(lambda: _send_refund_succeeded(refund.pk))
        receipt_number_issue(refund, clinic=payment.clinic, series=ReceiptSeries.REFUND)
    return refund


@transaction.atomic
def refund_mark_failed(*, refund_id, error) -> Refund:
    """A refund we held as made that Stripe later failed (reconciliation): the money did
    not go back, so it no longer counts as refunded."""
    refund = Refund.objects.select_for_update().select_related("payment").get(pk=refund_id)
    if refund.status == RefundStatus.FAILED:
        return refund
    refund.status = RefundStatus.FAILED
    refund.save(update_fields=["status"])
    booking_event_record(
        booking_id=refund.payment.booking_id,
        kind="refund_failed",
        data={
            "payment": refund.payment_id,
            "refund": refund.pk,
            "amount": refund.amount,
            "currency": refund.payment.currency,
            "error": str(error)[:200],
        },
    )
    return refund


def refund_create(*, payment, amount=None, actor=None, reason="") -> Refund:
    """Refund ``amount`` (default: all that is left) of a payment: recorded, sent, settled.
    Never more than was captured, counting earlier refunds, even under concurrent
    requests."""
    refund = refund_record(payment=payment, amount=amount, actor=actor, reason=reason)
    return refund_send(refund_id=refund.pk)


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
    """Record refunds of ``amount`` over ``payments`` in their order, each up to what it
    has left (pending; the caller sends them after commit)."""
    refunds = []
    for payment in payments:
        if amount <= 0:
            break
        part = min(payment_refundable(payment), amount)
        if part > 0:
            refunds.append(_refund_record(payment=payment, amount=part, actor=actor, reason=reason))
            amount -= part
    return refunds


def refund_for_cancellation(*, booking_id, actor=None) -> list[Refund]:
    """Refund a cancelled booking as its cancellation decided: the amount staff chose
    (``refund_decided``), or by the policy — everything captured less the
    late-cancellation fee (fees charged for the cancellation itself are never given
    back). Idempotent: running it again refunds nothing more, and sends what an earlier
    run recorded but did not get to send."""
    _cancellation_refunds_record(booking_id=booking_id, actor=actor)
    pending = Refund.objects.filter(
        payment__booking_id=booking_id, status=RefundStatus.PENDING
    ).order_by("id")
    return refunds_send(pending)


@transaction.atomic
def _cancellation_refunds_record(*, booking_id, actor=None) -> list[Refund]:
    booking = Booking.objects.select_for_update().select_related("client").get(pk=booking_id)
    if booking.status != BookingStatus.CANCELLED:
        return []
    cancel = booking_last_move(booking, BookingStatus.CANCELLED)
    if actor is None and cancel is not None and cancel.actor_id != booking.client.user_id:
        actor = cancel.actor  # the staff member who cancelled gave it back
    paid = booking.payments.filter(status=PaymentStatus.SUCCEEDED).order_by("-id")
    due = cancellation_refund_owed(booking, cancel)
    if cancel is not None and cancel.refund_decided is not None:  # what staff chose
        reason = cancel.reason or "Cancelled by the clinic."
        return _spread(paid, due, actor=actor, reason=reason)
    return _spread(
        paid.exclude(kind__in=FEE_KINDS),
        due,
        actor=actor,
        reason="Cancelled: refunded under the clinic's cancellation policy.",
    )


def booking_refund(*, booking, amount, actor=None, reason="") -> list[Refund]:
    """Staff give back ``amount`` on a booking, newest payment first; never more than
    was captured less earlier refunds (checked with the booking locked). Recorded and
    committed first, then sent to Stripe."""
    return refunds_send(
        booking_refund_record(booking=booking, amount=amount, actor=actor, reason=reason)
    )


@transaction.atomic
def booking_refund_record(*, booking, amount, actor=None, reason="") -> list[Refund]:
    """The pending refunds of ``booking_refund``, recorded in the caller's transaction
    (staff actions write their audit entry in the same one)."""
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
    with speaking_to(payment.clinic, booking.client.user):
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
