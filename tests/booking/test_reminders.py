"""Reminders 24 h and 1 h before: planned when a booking is made or moved, sent by the
periodic task exactly once per booking and kind — when the task runs twice, when a
worker dies mid-way, when a channel fails — by email and SMS as the person prefers."""

import datetime
import io
import json

import pytest
from django.core import mail
from django.core.management import call_command
from django.utils import timezone
from django_q.models import Schedule

from booking_api import tasks
from booking_api.models import Booking, Reminder
from booking_api.services import booking_cancel, booking_create, booking_reschedule
from booking_api.services import reminders as reminders_module
from booking_api.services.reminders import REMINDER_OFFSETS, reminder_key, reminders_send_due
from notifications import channels as channel_registry
from notifications.models import Channel, Delivery, DeliveryStatus, Notification
from notifications.services import RETRY_DELAY, deliveries_requeue, preferences_update
from tests.fixtures.booking import MONDAY, at

pytestmark = pytest.mark.django_db

TUESDAY = MONDAY + datetime.timedelta(days=1)
MINUTE = datetime.timedelta(minutes=1)


@pytest.fixture(autouse=True)
def sms_folder(settings, tmp_path):
    settings.SMS_BACKEND = "file"
    settings.SMS_FILE_PATH = tmp_path / "sms"
    return settings.SMS_FILE_PATH


@pytest.fixture
def after_commit(django_capture_on_commit_callbacks):
    """Run some work and what it queues after commit (side effects, outbox sending)."""

    def run(work, *args, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return work(*args, **kwargs)

    return run


@pytest.fixture
def booking(open_policy, patient, service, emma, after_commit):
    return after_commit(
        booking_create,
        clinic=open_policy,
        client=patient,
        service=service,
        start=at(MONDAY, "10:00"),
        staff=emma,
        source="staff",
    )


def reminder_emails(user):
    return [m for m in mail.outbox if m.to == [user.email] and m.subject.startswith("Reminder")]


def texts(folder):
    if not folder.exists():
        return []
    return [json.loads(p.read_text()) for p in sorted(folder.glob("*.json"))]


def send_at(after_commit, now):
    return after_commit(reminders_send_due, now=now)


def test_a_booking_plans_its_reminders(booking):
    planned = {r.kind: r for r in booking.reminders.all()}
    assert set(planned) == set(REMINDER_OFFSETS) == {"24h", "1h"}
    assert planned["24h"].due_at == booking.start - datetime.timedelta(hours=24)
    assert planned["1h"].due_at == booking.start - datetime.timedelta(hours=1)
    assert all(r.for_start == booking.start and not r.skipped for r in planned.values())


def test_due_reminders_go_once_by_email_and_sms(booking, patient, after_commit, sms_folder):
    day_before = booking.start - datetime.timedelta(hours=24)
    assert send_at(after_commit, day_before - MINUTE) == 0
    assert send_at(after_commit, day_before + MINUTE) == 1
    assert send_at(after_commit, day_before + 2 * MINUTE) == 0

    (email,) = reminder_emails(patient.user)
    assert "Consultation" in email.subject and "10:00" in email.subject
    assert "with Emma" in email.body
    (text,) = texts(sms_folder)
    assert text["to"] == patient.phone
    assert text["body"].startswith("Reminder: Consultation")
    assert f"/bookings/{booking.reference}/" in text["body"]

    hour_before = booking.start - datetime.timedelta(hours=1)
    assert send_at(after_commit, hour_before) == 1
    assert send_at(after_commit, hour_before + MINUTE) == 0
    assert len(reminder_emails(patient.user)) == 2
    assert len(texts(sms_folder)) == 2
    assert Reminder.objects.filter(sent_at__isnull=False).count() == 2


def test_the_periodic_task_run_twice_sends_once(booking, patient, after_commit, sms_folder):
    # The task uses the real clock: make the day-before reminder due now.
    Reminder.objects.filter(booking=booking, kind="24h").update(due_at=timezone.now() - MINUTE)
    assert after_commit(tasks.send_due_reminders) == 1
    assert after_commit(tasks.send_due_reminders) == 0
    assert len(reminder_emails(patient.user)) == 1
    assert len(texts(sms_folder)) == 1


def test_a_worker_killed_before_marking_the_reminder_sends_once_on_the_rerun(
    booking, patient, after_commit, monkeypatch, sms_folder
):
    due = booking.start - datetime.timedelta(hours=24) + MINUTE
    real_mark = reminders_module._mark_sent

    def killed(reminder, now):
        raise SystemExit("worker killed")  # after the message was handed over

    monkeypatch.setattr(reminders_module, "_mark_sent", killed)
    with pytest.raises(SystemExit):
        send_at(after_commit, due)
    # Nothing of the dead attempt survives: no message, nothing sent, row still due.
    assert reminder_emails(patient.user) == [] and texts(sms_folder) == []
    assert not Notification.objects.filter(kind="booking_reminder").exists()
    assert Reminder.objects.get(booking=booking, kind="24h").sent_at is None

    monkeypatch.setattr(reminders_module, "_mark_sent", real_mark)
    assert send_at(after_commit, due) == 1
    assert send_at(after_commit, due) == 0
    assert len(reminder_emails(patient.user)) == 1
    assert len(texts(sms_folder)) == 1


def test_a_channel_that_fails_once_still_delivers_exactly_once(
    booking, patient, after_commit, monkeypatch, sms_folder
):
    due = booking.start - datetime.timedelta(hours=24) + MINUTE
    real_email = channel_registry.CHANNELS[Channel.EMAIL]
    calls = []

    def flaky(delivery):
        calls.append(delivery.pk)
        if len(calls) == 1:
            raise ConnectionError("mail server went away")
        return real_email(delivery)

    monkeypatch.setitem(channel_registry.CHANNELS, Channel.EMAIL, flaky)
    # (Synchronous django-q re-raises the task's error; a real worker records it.)
    with pytest.raises(ConnectionError):
        send_at(after_commit, due)
    email_delivery = Delivery.objects.get(
        notification__kind="booking_reminder", channel=Channel.EMAIL
    )
    assert email_delivery.status == DeliveryStatus.FAILED
    assert reminder_emails(patient.user) == []
    # The reminder was handed to the outbox: it is done, whatever the channel does.
    assert Reminder.objects.get(booking=booking, kind="24h").sent_at is not None

    # The reminder task running again does not send a second message...
    assert send_at(after_commit, due + MINUTE) == 0
    # ...the outbox's retry delivers the email, once.
    later = timezone.now() + RETRY_DELAY + MINUTE
    after_commit(deliveries_requeue, now=later)
    after_commit(deliveries_requeue, now=later)
    assert send_at(after_commit, due + 2 * MINUTE) == 0
    assert len(reminder_emails(patient.user)) == 1
    assert len(texts(sms_folder)) == 1
    email_delivery.refresh_from_db()
    assert email_delivery.status == DeliveryStatus.SENT


def test_a_reminder_whose_mark_was_lost_is_not_told_again(
    booking, patient, after_commit, sms_folder
):
    due = booking.start - datetime.timedelta(hours=24) + MINUTE
    assert send_at(after_commit, due) == 1
    reminder = Reminder.objects.get(booking=booking, kind="24h")
    assert Notification.objects.filter(idempotency_key=reminder_key(reminder)).exists()
    Reminder.objects.filter(pk=reminder.pk).update(sent_at=None)  # as if never marked
    send_at(after_commit, due + MINUTE)
    assert len(reminder_emails(patient.user)) == 1
    assert len(texts(sms_folder)) == 1


def test_a_rescheduled_booking_is_reminded_at_its_new_time(booking, patient, after_commit):
    old_start = booking.start
    booking = after_commit(
        booking_reschedule, booking=booking, start=at(TUESDAY, "14:00"), by_client=False
    )
    old = Reminder.objects.filter(booking=booking, for_start=old_start)
    assert old.count() == 2 and all(r.skipped for r in old)

    assert send_at(after_commit, old_start - datetime.timedelta(hours=24) + MINUTE) == 0
    assert send_at(after_commit, old_start - datetime.timedelta(hours=1) + MINUTE) == 0
    assert reminder_emails(patient.user) == []

    new_day_before = booking.start - datetime.timedelta(hours=24) + MINUTE
    assert send_at(after_commit, new_day_before) == 1
    (email,) = reminder_emails(patient.user)
    assert "14:00" in email.subject
    # The day in the portal's "weekday" style (London: en_GB).
    assert f"Tue, {TUESDAY.day} {TUESDAY:%b} {TUESDAY.year} at 14:00" in email.body


def test_moving_a_booking_back_restores_its_reminders(booking, patient, after_commit):
    original = booking.start
    booking = after_commit(
        booking_reschedule, booking=booking, start=at(TUESDAY, "14:00"), by_client=False
    )
    booking = after_commit(
        booking_reschedule, booking=booking, start=at(MONDAY, "10:00"), by_client=False
    )
    assert booking.start == original
    assert send_at(after_commit, original - datetime.timedelta(hours=24) + MINUTE) == 1
    assert len(reminder_emails(patient.user)) == 1


def test_a_reminder_whose_moment_passed_before_the_booking_was_made_is_skipped(
    open_policy, patient, service, emma, django_capture_on_commit_callbacks, after_commit
):
    start = at(MONDAY, "10:00")
    with django_capture_on_commit_callbacks(execute=False) as queued:
        booking = booking_create(
            clinic=open_policy,
            client=patient,
            service=service,
            start=start,
            staff=emma,
            source="staff",
        )
    # Booked two hours ahead: the day-before reminder is already late, the hour-before is not.
    Booking.objects.filter(pk=booking.pk).update(updated_at=start - datetime.timedelta(hours=2))
    with django_capture_on_commit_callbacks(execute=True):
        for callback in queued:
            callback()

    reminders = {r.kind: r for r in booking.reminders.all()}
    assert reminders["24h"].skipped and not reminders["1h"].skipped
    assert send_at(after_commit, start - datetime.timedelta(minutes=90)) == 0
    assert send_at(after_commit, start - datetime.timedelta(minutes=59)) == 1
    (email,) = reminder_emails(patient.user)
    assert Reminder.objects.get(booking=booking, kind="24h").sent_at is None


def test_a_late_run_sends_only_the_closest_reminder(booking, patient, after_commit):
    # The worker was down until 30 minutes before the start: both are due, one goes.
    assert send_at(after_commit, booking.start - datetime.timedelta(minutes=30)) == 1
    (email,) = reminder_emails(patient.user)
    states = {r.kind: (r.sent_at is not None, r.skipped) for r in booking.reminders.all()}
    assert states == {"24h": (False, True), "1h": (True, False)}


def test_cancelled_bookings_are_not_reminded(booking, patient, after_commit):
    after_commit(booking_cancel, booking=booking, by_client=False)
    assert all(r.skipped for r in booking.reminders.all())
    assert send_at(after_commit, booking.start - datetime.timedelta(minutes=59)) == 0
    assert reminder_emails(patient.user) == []


def test_a_booking_cancelled_after_its_reminder_was_planned_is_not_reminded(
    booking, patient, after_commit
):
    # Cancelled without its side effects having run yet (the task is queued behind).
    Booking.objects.filter(pk=booking.pk).update(status="cancelled")
    assert send_at(after_commit, booking.start - datetime.timedelta(minutes=59)) == 0
    assert reminder_emails(patient.user) == []
    assert all(r.skipped for r in booking.reminders.filter(kind="1h"))


def test_reminders_follow_the_persons_preferences(
    booking, clinic, patient, after_commit, sms_folder
):
    preferences_update(clinic=clinic, user=patient.user, reminder_sms=False)
    assert send_at(after_commit, booking.start - datetime.timedelta(hours=23)) == 1
    assert len(reminder_emails(patient.user)) == 1
    assert texts(sms_folder) == []

    preferences_update(clinic=clinic, user=patient.user, reminder_sms=True, reminder_email=False)
    assert send_at(after_commit, booking.start - datetime.timedelta(minutes=59)) == 1
    assert len(reminder_emails(patient.user)) == 1
    assert len(texts(sms_folder)) == 1


def test_no_text_is_planned_without_a_phone_number(booking, patient, after_commit, sms_folder):
    patient.phone = ""
    patient.save(update_fields=["phone"])
    assert send_at(after_commit, booking.start - datetime.timedelta(hours=23)) == 1
    assert len(reminder_emails(patient.user)) == 1
    assert not Delivery.objects.filter(channel=Channel.SMS).exists()


def test_ensure_schedules_creates_the_reminder_schedule_once(db):
    call_command("ensure_schedules", stdout=io.StringIO())
    out = io.StringIO()
    call_command("ensure_schedules", stdout=out)
    assert "up to date" in out.getvalue()
    (schedule,) = Schedule.objects.filter(func="booking_api.tasks.send_due_reminders")
    assert schedule.schedule_type == Schedule.MINUTES
    assert schedule.minutes == 1
    assert schedule.repeats == -1
