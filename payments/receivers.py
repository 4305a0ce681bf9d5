"""Payments follows the booking lifecycle through booking_api's named events (sent after
commit), never through another app's model saves: a cancelled booking is refunded as
its cancellation decided, by a task, once."""

from booking_api.signals import booking_cancelled
from payments.models import Payment, PaymentStatus
from payments.task_queue import queue


def _booking_cancelled(sender, booking_id, **kwargs):
    # The task refunds only what is still due, so a second delivery refunds nothing.
    if Payment.objects.filter(booking_id=booking_id, status=PaymentStatus.SUCCEEDED).exists():
        queue("refund_cancelled_booking", booking_id)


def connect():
    booking_cancelled.connect(_booking_cancelled, dispatch_uid="payments.refund_on_cancel")
