"""Appointment reminders: planned when a booking is made or moved, sent by a periodic
django-q2 task (``booking_api.tasks.send_due_reminders``, scheduled by the
``ensure_schedules`` command).

Exactly once per booking, kind and start time:

- ``Reminder`` rows are unique per (booking, kind, for_start), so planning twice adds
  nothing; a reschedule plans rows for the new start and skips the old unsent ones.
- ``reminder_send`` locks the row, checks it is still unsent and still about the
  booking's current start, hands the message to the notifications outbox and marks the
  row sent, all in one transaction. A worker that dies inside it leaves nothing behind
  (the transaction rolls back, so a rerun starts clean); once it has committed, the
  outbox owns the sending (claimed per channel, retried by its sweeper) and the row is
  marked, so a rerun sends nothing. The outbox key ``reminder-<booking>-<kind>-<start>``
  is a second guard: even a row whose mark were lost could not be told twice.

Offsets and channels are the clinic's (``booking_api.reminder_settings``: the
automations app keeps them; 24 h and 1 h by default). Where the clinic asks for it, the
SMS says "reply C to confirm" and goes as its own notification (``…-sms``), so the email
and push carry no instruction that means nothing there.
"""

import datetime

from django.db import transaction
from django.utils import timezone

from booking_api import lifecycle
from booking_api.models import Booking, Reminder
from booking_api.reminder_settings import DEFAULT_OFFSETS, reminder_settings
from notifications.models import Channel
from notifications.services import Category, notify

# kind → minutes before the start, where the clinic set nothing
REMINDER_OFFSETS = DEFAULT_OFFSETS
# Statuses that are reminded. A booking still held (awaiting payment or the guest's
# confirmation) is left for a later run (it is reminded once it goes ahead); any other
# status is never reminded.
REMINDED_STATUSES = lifecycle.CONFIRMED_STATUSES
WAITING_STATUSES = lifecycle.HELD_STATUSES
SEND_BATCH = 500


def reminder_offsets(clinic) -> dict[str, int]:
    """The reminder kinds and their offsets (minutes) for a clinic."""
    return dict(reminder_settings(clinic).offsets)


# veto(booking) -> bool, registered by apps above (the practice sync: a deceased pet).
_vetoes: list = []


def register_reminder_veto(veto) -> None:
    """An app above booking_api says which bookings must not be reminded, from its
    ``AppConfig.ready``; booking_api does not import it."""
    if veto not in _vetoes:
        _vetoes.append(veto)


def reminder_vetoed(booking) -> bool:
    return any(veto(booking) for veto in _vetoes)


def reminder_key(reminder) -> str:
    return f"reminder-{reminder.booking_id}-{reminder.kind}-{int(reminder.for_start.timestamp())}"


@transaction.atomic
def reminders_plan(*, booking, made_at=None) -> list[Reminder]:
    """Plan the booking's reminders for its current start; skip unsent ones planned for
    an earlier start (a reschedule). A reminder whose moment had passed when the booking
    was made or moved (``made_at``, default its last change) is planned as skipped.
    Idempotent. Returns the reminders that will be sent."""
    booking = Booking.objects.select_for_update().select_related("clinic").get(pk=booking.pk)
    unsent = Reminder.objects.filter(booking=booking, sent_at__isnull=True, skipped=False)
    if booking.status not in REMINDED_STATUSES + WAITING_STATUSES:
        unsent.update(skipped=True)
        return []
    unsent.exclude(for_start=booking.start).update(skipped=True)
    made_at = made_at or booking.updated_at
    planned = []
    for kind, minutes in reminder_offsets(booking.clinic).items():
        due_at = booking.start - datetime.timedelta(minutes=minutes)
        late = due_at <= made_at
        reminder, created = Reminder.objects.get_or_create(
            booking=booking,
            kind=kind,
            for_start=booking.start,
            defaults={"due_at": due_at, "skipped": late},
        )
        if not created and reminder.skipped and reminder.sent_at is None and not late:
            # Moved away and back to this start: the row was skipped, never sent.
            reminder.skipped = False
            reminder.save(update_fields=["skipped"])
        if not reminder.skipped and reminder.sent_at is None:
            planned.append(reminder)
    return planned


def reminders_skip_unsent(*, booking) -> int:
    """The booking will not happen as planned (cancelled, no-show, ...): drop what is
    left to send."""
    return Reminder.objects.filter(booking=booking, sent_at__isnull=True, skipped=False).update(
        skipped=True
    )


def reminders_send_due(*, now=None, limit=SEND_BATCH) -> int:
    """Send every reminder that is due; the periodic task. Each reminder is sent in its
    own transaction, so one failure does not hold up the others. Returns how many were
    handed to the outbox."""
    now = now or timezone.now()
    due = Reminder.objects.filter(sent_at__isnull=True, skipped=False, due_at__lte=now)
    sent = 0
    for reminder_id in due.order_by("due_at", "pk").values_list("pk", flat=True)[:limit]:
        if reminder_send(reminder_id=reminder_id, now=now):
            sent += 1
    return sent


def _skip(reminder):
    reminder.skipped = True
    reminder.save(update_fields=["skipped"])
    return False


def _mark_sent(reminder, now):
    reminder.sent_at = now
    reminder.save(update_fields=["sent_at"])


@transaction.atomic
def reminder_send(*, reminder_id, now=None) -> bool:
    """Send one reminder if it is still due and nobody has. True if it was sent now."""
    now = now or timezone.now()
    reminder = (
        Reminder.objects.select_for_update()
        .filter(pk=reminder_id, sent_at__isnull=True, skipped=False, due_at__lte=now)
        .first()
    )
    if reminder is None:
        return False  # sent, skipped or not due: another run got here first
    # Lock the booking too, so a reschedule or cancellation cannot slip in between.
    booking = (
        Booking.objects.select_for_update(of=("self",))
        .select_related("clinic__site", "client__user", "service", "staff", "location", "pet")
        .get(pk=reminder.booking_id)
    )
    if booking.start != reminder.for_start or booking.start <= now:
        return _skip(reminder)  # moved (its new reminders are planned) or too late
    if booking.status in WAITING_STATUSES:
        return False  # not paid yet: left for a later run
    if booking.status not in REMINDED_STATUSES:
        return _skip(reminder)
    if booking.pet is not None and not booking.pet.active:
        return _skip(reminder)  # the owner took the pet out of the app (no longer with them)
    if reminder_vetoed(booking):
        return _skip(reminder)  # e.g. the pet it is for has died (the practice sync says)
    if Reminder.objects.filter(
        booking=booking,
        for_start=reminder.for_start,
        sent_at__isnull=True,
        skipped=False,
        due_at__gt=reminder.due_at,
        due_at__lte=now,
    ).exists():
        return _skip(reminder)  # late (the worker was down): only the closest one goes

    from booking_api.services.messages import reminder_message

    message = reminder_message(booking)
    user = booking.client.user
    settings = reminder_settings(booking.clinic)
    # The channels the clinic chose (all by default), as the person's preferences say;
    # SMS only with a number on file.
    phone = (booking.client.phone or "").strip()
    channels = list(settings.channels) if settings.channels is not None else list(Channel)
    if not phone:
        channels = [c for c in channels if c != Channel.SMS]
    key = reminder_key(reminder)
    sms_apart = settings.sms_confirm and Channel.SMS in channels
    if sms_apart:
        channels = [c for c in channels if c != Channel.SMS]
    if channels:
        notify(
            clinic=booking.clinic,
            user=user,
            kind=message.kind,
            category=Category.REMINDER,
            title=message.title,
            body=message.body,
            url=message.url,
            object_id=booking.pk,
            idempotency_key=key,
            channels=channels,
            phone=phone,
        )
    if sms_apart:
        notify(
            clinic=booking.clinic,
            user=user,
            kind=message.kind,
            category=Category.REMINDER,
            title=message.title,
            body=f"{message.body}\n{confirm_hint(booking)}".strip(),
            url=message.url,
            idempotency_key=f"{key}-sms",
            channels=[Channel.SMS],
            phone=phone,
        )
    _mark_sent(reminder, now)
    return True


def confirm_hint(booking) -> str:
    """The line an SMS reminder ends with where the clinic takes "C" for a yes."""
    from django.utils.translation import gettext

    from notifications.language import speaking_to

    if booking.status != lifecycle.BookingStatus.BOOKED:
        return ""  # already confirmed: nothing to ask
    with speaking_to(booking.clinic, booking.client.user):
        return gettext("Reply C to confirm.")
