"""The booking events the sync follows (``booking_api.signals``): what the portal did
goes to the practice system in the clinic's next run, queued at once."""

from django.db import transaction
from django.dispatch import receiver

from booking_api import signals
from booking_api.lifecycle import HELD_STATUSES
from booking_api.models import BookingEvent
from sync.models import BookingLink, LinkState, SyncConnection


def _connected(clinic_id):
    return (
        SyncConnection.objects.filter(clinic_id=clinic_id, enabled=True)
        .values_list("pk", flat=True)
        .first()
    )


def _queue(connection_id):
    from sync.tasks import queue_run

    queue_run(connection_id, trigger="push")


@receiver(signals.booking_created)
@receiver(signals.booking_confirmed)
def booking_created(sender, booking, **kwargs):
    """A booking goes to the practice system once it is booked: a hold awaiting payment
    waits for its payment (``booking_confirmed``), so a refusal there finds the money
    captured and refunds it in full."""
    if booking.status in HELD_STATUSES:
        return
    connection_id = _connected(booking.clinic_id)
    if connection_id is None:
        return
    with transaction.atomic():
        _, created = BookingLink.objects.get_or_create(
            booking=booking,
            defaults={"clinic_id": booking.clinic_id, "action": "create"},
        )
    if created:
        _queue(connection_id)


@receiver(signals.booking_rescheduled)
def booking_rescheduled(sender, booking, **kwargs):
    _changed(booking, "move", kwargs.get("event_id"))


@receiver(signals.booking_cancelled)
def booking_cancelled(sender, booking, **kwargs):
    _changed(booking, "cancel", kwargs.get("event_id"))


def _changed(booking, action, event_id):
    connection_id = _connected(booking.clinic_id)
    if connection_id is None:
        return
    event = BookingEvent.objects.filter(pk=event_id).first() if event_id else None
    data = (event.data or {}) if event else {}
    if data.get("practice_system") or data.get("practice_refused"):
        return  # the practice system's own change, or its refusal: nothing to send back
    # A move the sync itself made (following the practice system) is sent back once
    # with the same time: harmless, as a move to where it already is changes nothing.
    updated = (
        BookingLink.objects.filter(booking=booking)
        .exclude(external_id="")
        .update(action=action, state=LinkState.PENDING)
    )
    if not updated:
        # Never reached the practice system: a cancellation there is nothing to send.
        BookingLink.objects.filter(booking=booking, external_id="", state=LinkState.PENDING).update(
            action=action
        )
    _queue(connection_id)
