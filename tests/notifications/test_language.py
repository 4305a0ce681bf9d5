"""A person's language for messages: chosen at one clinic (the portal's switcher, the
profile, the API), everything told to them there is written in it — the email's subject
and body, the SMS, the push, the notification centre — with the clinic's time zone and
currency still; another patient of the same clinic keeps the clinic's language."""

import pytest
from django.core import mail

from booking_api.services import booking_create
from notifications.language import language_choose, language_for
from notifications.models import Notification, Preferences
from tests.factories.clients import ClientAccountFactory
from tests.fixtures.booking import MONDAY, at
from tests.fixtures.honesty import nothing_changes

pytestmark = pytest.mark.django_db


def book(django_capture_on_commit_callbacks, clinic, account, service, staff, hour):
    with django_capture_on_commit_callbacks(execute=True):
        return booking_create(
            clinic=clinic,
            client=account,
            service=service,
            start=at(MONDAY, hour),
            staff=staff,
            source="staff",
        )


def test_a_patient_who_chose_bulgarian_is_confirmed_in_bulgarian_and_the_other_in_english(
    open_policy, patient, service, emma, django_capture_on_commit_callbacks
):
    other = ClientAccountFactory(clinic=open_policy)
    language_choose(clinic=open_policy, user=patient.user, language="bg")

    book(django_capture_on_commit_callbacks, open_policy, patient, service, emma, "10:00")
    book(django_capture_on_commit_callbacks, open_policy, other, service, emma, "11:00")

    (bulgarian,) = [m for m in mail.outbox if m.to == [patient.user.email]]
    assert bulgarian.subject.startswith("Потвърден час: Consultation на ")
    assert "Вашият час е запазен." in bulgarian.body
    assert "10:00–10:30 (Europe/London)" in bulgarian.body  # the clinic's wall clock
    assert "на пн, " in bulgarian.subject  # a Bulgarian date: "пн, 4.01"
    html = bulgarian.alternatives[0][0]
    assert 'lang="bg"' in html
    in_app = Notification.objects.get(user=patient.user, kind="booking_confirmed")
    assert in_app.title == bulgarian.subject

    (english,) = [m for m in mail.outbox if m.to == [other.user.email]]
    assert english.subject.startswith("Booking confirmed: Consultation on ")
    assert "Your appointment is booked." in english.body


def test_the_choice_is_per_clinic_and_an_unoffered_language_changes_nothing(
    clinic, other_clinic, patient
):
    language_choose(clinic=clinic, user=patient.user, language="bg")
    assert language_for(clinic, patient.user) == "bg"
    assert language_for(other_clinic, patient.user) == "en"

    from branding.errors import DomainError

    with nothing_changes(Preferences.objects.all()), pytest.raises(DomainError) as refused:
        language_choose(clinic=clinic, user=patient.user, language="xx")
    assert refused.value.field == "language"
    assert language_for(clinic, patient.user) == "bg"

    language_choose(clinic=clinic, user=patient.user, language="")  # back to the clinic's
    assert language_for(clinic, patient.user) == "en"


def test_the_reminder_text_push_and_centre_item_are_in_the_patients_language(
    open_policy, patient, service, emma, django_capture_on_commit_callbacks, settings, tmp_path
):
    import datetime
    import json

    from booking_api.services.reminders import reminders_send_due
    from notifications.channels.webpush import push_payload

    settings.SMS_BACKEND = "file"
    settings.SMS_FILE_PATH = tmp_path / "sms"
    language_choose(clinic=open_policy, user=patient.user, language="bg")
    booking = book(django_capture_on_commit_callbacks, open_policy, patient, service, emma, "10:00")

    with django_capture_on_commit_callbacks(execute=True):
        reminders_send_due(now=booking.start - datetime.timedelta(hours=24))

    (text,) = [json.loads(p.read_text()) for p in (tmp_path / "sms").glob("*.json")]
    assert text["body"].startswith("Напомняне: Consultation на пн, ")
    assert "в 10:00" in text["body"]  # the clinic's wall clock
    reminder = Notification.objects.get(user=patient.user, kind="booking_reminder")
    assert reminder.title.startswith("Напомняне: ")
    assert json.loads(push_payload(reminder))["title"] == reminder.title
