"""Appointment reminders are the clinic's settings now: the offsets and channels a manager
chose, and, where an SMS provider is set up, an SMS that asks "Reply C to confirm" (and
only the SMS: the email carries no such line). A clinic that set nothing keeps 24 h and
1 h by every channel."""

import datetime

import pytest
from django.core import mail

from automations.models import AutomationSettings
from booking_api.models import Reminder
from booking_api.services import booking_create
from booking_api.services.reminders import reminders_send_due
from notifications.models import Delivery
from tests.fixtures.booking import MONDAY, at
from tests.fixtures.local_servers import SmsProvider

pytestmark = pytest.mark.django_db

MINUTE = datetime.timedelta(minutes=1)


@pytest.fixture
def after_commit(django_capture_on_commit_callbacks):
    def run(work, *args, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return work(*args, **kwargs)

    return run


@pytest.fixture
def sms_provider(settings):
    with SmsProvider() as provider:
        settings.SMS_BACKEND = "http"
        settings.SMS_API_URL = provider.url
        settings.SMS_API_KEY = "test-key"
        yield provider


def book(after_commit, clinic, patient, service, emma):
    return after_commit(
        booking_create,
        clinic=clinic,
        client=patient,
        service=service,
        start=at(MONDAY, "10:00"),
        staff=emma,
        source="staff",
    )


def test_the_clinics_offsets_are_planned(open_policy, patient, service, emma, after_commit):
    AutomationSettings.objects.create(clinic=open_policy, reminder_offsets="48h, 2h, 30m")
    booking = book(after_commit, open_policy, patient, service, emma)
    planned = {r.kind: r.due_at for r in booking.reminders.all()}
    assert planned == {
        "48h": booking.start - datetime.timedelta(hours=48),
        "2h": booking.start - datetime.timedelta(hours=2),
        "30m": booking.start - datetime.timedelta(minutes=30),
    }


def test_without_settings_the_defaults_hold(open_policy, patient, service, emma, after_commit):
    booking = book(after_commit, open_policy, patient, service, emma)
    assert {r.kind for r in booking.reminders.all()} == {"24h", "1h"}


def test_the_clinics_channels_are_used(
    open_policy, patient, service, emma, after_commit, sms_provider
):
    AutomationSettings.objects.create(clinic=open_policy, reminder_email=False)
    booking = book(after_commit, open_policy, patient, service, emma)
    mail.outbox.clear()
    after_commit(reminders_send_due, now=booking.start - datetime.timedelta(hours=24) + MINUTE)
    assert not [m for m in mail.outbox if m.subject.startswith("Reminder")]
    (request,) = sms_provider.requests
    assert request["json"]["to"] == patient.phone
    assert "Reply C to confirm" not in request["json"]["body"]  # the clinic did not ask


def test_sms_asks_reply_c_to_confirm_and_the_email_does_not(
    open_policy, patient, service, emma, after_commit, sms_provider
):
    AutomationSettings.objects.create(clinic=open_policy, sms_confirm=True)
    booking = book(after_commit, open_policy, patient, service, emma)
    mail.outbox.clear()
    due = booking.start - datetime.timedelta(hours=24) + MINUTE
    assert after_commit(reminders_send_due, now=due) == 1
    assert after_commit(reminders_send_due, now=due + MINUTE) == 0
    (request,) = sms_provider.requests
    assert request["json"]["body"].endswith("Reply C to confirm.")
    (email,) = [m for m in mail.outbox if m.subject.startswith("Reminder")]
    assert "Reply C" not in email.body
    assert Delivery.objects.filter(channel="sms").count() == 1
    assert Reminder.objects.filter(sent_at__isnull=False).count() == 1


def test_no_reply_c_without_an_sms_provider(
    open_policy, patient, service, emma, after_commit, settings, tmp_path
):
    settings.SMS_BACKEND = "file"
    settings.SMS_FILE_PATH = tmp_path / "sms"
    AutomationSettings.objects.create(clinic=open_policy, sms_confirm=True)
    booking = book(after_commit, open_policy, patient, service, emma)
    after_commit(reminders_send_due, now=booking.start - datetime.timedelta(hours=24) + MINUTE)
    (text,) = list((tmp_path / "sms").glob("*.json"))
    assert "Reply C" not in text.read_text()
