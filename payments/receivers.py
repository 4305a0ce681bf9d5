"""Payments follows the booking's history without booking_api importing payments: when a
booking is cancelled, what was paid is refunded by the policy quote, after commit."""

from django.db import transaction
from django.db.models.signals import post_save
from django.dispatch import receiver

from booking_api.models import BookingEvent, BookingStatus


@receiver(post_save, sender=BookingEvent, dispatch_uid="payments_refund_on_cancel")
def refund_on_cancel(sender, instance, created, **kwargs):
    if not created or instance.kind != "status" or instance.to_status != BookingStatus.CANCELLED:
        return
    from payments.models import Payment, PaymentStatus

    booking_id = instance.booking_id
    if not Payment.objects.filter(booking_id=booking_id, status=PaymentStatus.SUCCEEDED).exists():
        return
    from payments import tasks

    transaction.on_commit(lambda: tasks.queue("refund_cancelled_booking", booking_id))
