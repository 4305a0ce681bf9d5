"""Payments follows the booking lifecycle through booking_api's named events (sent after
commit), never through another app's model saves: a cancelled booking is refunded as
its cancellation decided, by a task, once; its unpaid PaymentIntents are cancelled at
Stripe and the vouchers they reserved given back, by another."""

from django.db.models import Q

from booking_api.signals import booking_cancelled
from payments.models import Payment, PaymentStatus
from payments.services.intents import OPEN_STATUSES
from payments.task_queue import queue


def _booking_cancelled(sender, booking_id, **kwargs):
    payments = Payment.objects.filter(booking_id=booking_id)
    # Decided before either task runs: a payment that succeeds only while its intent is
    # being cancelled is refunded in full as late (``refund_late_payment``), not by the
    # cancellation policy. Each task does only what is still to do, so a second delivery
    # does nothing more.
    paid = payments.filter(status=PaymentStatus.SUCCEEDED).exists()
    unpaid = payments.filter(
        Q(status__in=OPEN_STATUSES) | (~Q(status=PaymentStatus.SUCCEEDED) & ~Q(voucher_ref=""))
    ).exists()
    if unpaid:
        queue("close_cancelled_booking_payments", booking_id)
    if paid:
        queue("refund_cancelled_booking", booking_id)


def connect():
    booking_cancelled.connect(_booking_cancelled, dispatch_uid="payments.refund_on_cancel")
