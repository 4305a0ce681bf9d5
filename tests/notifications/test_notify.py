"""notify: one notification (the in-app item), an outbox row per accepted channel, and
email sent after commit — once, whatever happens twice."""

import re

import pytest
from django.core import mail

from branding.services import branding_update
from notifications.models import Delivery, DeliveryStatus, Notification
from notifications.services import Category, Channel, notify, preferences_update

pytestmark = pytest.mark.django_db


def _notify(clinic, user, key="welcome-1", category=Category.BOOKING, **extra):
    fields = {
        "clinic": clinic,
        "user": user,
        "kind": "test",
        "category": category,
        "title": "Your booking is confirmed",
        "body": "See you on Friday at 10:00.",
        "idempotency_key": key,
        **extra,
    }
    return notify(**fields)


def test_notify_records_notification_and_outbox_and_sends_email(
    clinic, patient, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        notification = _notify(clinic, patient.user)

    assert Notification.objects.filter(pk=notification.pk, clinic=clinic).exists()
    assert notification.read_at is None
    delivery = Delivery.objects.get(notification=notification)
    assert delivery.channel == Channel.EMAIL
    assert delivery.status == DeliveryStatus.SENT
    assert delivery.attempts == 1
    assert delivery.sent_at is not None
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == [patient.user.email]
    assert mail.outbox[0].subject == "Your booking is confirmed"


def test_nothing_is_sent_before_the_transaction_commits(
    clinic, patient, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        _notify(clinic, patient.user)
    assert len(callbacks) == 1
    assert mail.outbox == []
    assert Delivery.objects.get().status == DeliveryStatus.PENDING


def test_email_names_the_clinic_in_its_branding_with_a_stable_message_id(
    clinic, patient, django_capture_on_commit_callbacks
):
    branding_update(clinic=clinic, primary_color="#aa3366")
    with django_capture_on_commit_callbacks(execute=True):
        notification = _notify(clinic, patient.user, url="https://glow.localhost/bookings/1")

    message = mail.outbox[0]
    assert "Glow Aesthetics" in message.from_email
    assert "Glow Aesthetics" in message.body
    assert "See you on Friday at 10:00." in message.body
    html, mimetype = message.alternatives[0]
    assert mimetype == "text/html"
    assert "Glow Aesthetics" in html
    assert "#aa3366" in html
    assert "https://glow.localhost/bookings/1" in html

    message_id = message.extra_headers["Message-ID"]
    assert re.fullmatch(r"<[0-9a-f]{32}@glow\.localhost>", message_id)
    # Stable: the same notification always yields the same Message-ID.
    from notifications.channels.email import message_id as compute

    assert compute(notification) == message_id
    assert f"Message-ID: {message_id}" in message.message().as_string()


def test_clinic_name_with_a_comma_makes_a_valid_sender(
    clinic, patient, django_capture_on_commit_callbacks
):
    clinic.name = "Smith, Jones & Co"
    clinic.save()
    with django_capture_on_commit_callbacks(execute=True):
        _notify(clinic, patient.user, title="Line one\nLine two")
    message = mail.outbox[0]
    assert message.from_email == '"Smith, Jones & Co" <no-reply@localhost>'
    assert message.subject == "Line one Line two"
    assert Delivery.objects.get().status == DeliveryStatus.SENT


def test_message_id_is_valid_for_any_idempotency_key(
    clinic, patient, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        _notify(clinic, patient.user, key="booking:42 confirmed/é")
    message_id = mail.outbox[0].extra_headers["Message-ID"]
    assert re.fullmatch(r"<[0-9a-f]{32}@glow\.localhost>", message_id)


def test_the_same_idempotency_key_twice_sends_once(
    clinic, patient, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        first = _notify(clinic, patient.user, key="booking-7-confirmed")
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        second = _notify(clinic, patient.user, key="booking-7-confirmed", title="Changed")
    assert second.pk == first.pk
    assert callbacks == []
    assert Notification.objects.count() == 1
    assert Delivery.objects.count() == 1
    assert len(mail.outbox) == 1


def test_marketing_is_off_by_default(clinic, patient, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        notification = _notify(clinic, patient.user, category=Category.MARKETING)
    # Still in the notification centre, but nothing is sent.
    assert Notification.objects.filter(pk=notification.pk).exists()
    assert not Delivery.objects.exists()
    assert mail.outbox == []


def test_marketing_email_once_the_person_opts_in(
    clinic, patient, django_capture_on_commit_callbacks
):
    preferences_update(clinic=clinic, user=patient.user, marketing_email=True)
    with django_capture_on_commit_callbacks(execute=True):
        _notify(clinic, patient.user, category=Category.MARKETING)
    assert len(mail.outbox) == 1


def test_a_category_switched_off_sends_no_email(
    clinic, patient, django_capture_on_commit_callbacks
):
    preferences_update(clinic=clinic, user=patient.user, booking_email=False)
    with django_capture_on_commit_callbacks(execute=True):
        _notify(clinic, patient.user, category=Category.BOOKING)
    assert mail.outbox == []


def test_account_messages_always_email(clinic, patient, django_capture_on_commit_callbacks):
    preferences_update(
        clinic=clinic,
        user=patient.user,
        booking_email=False,
        reminder_email=False,
        message_email=False,
        marketing_email=False,
        push=False,
    )
    with django_capture_on_commit_callbacks(execute=True):
        _notify(clinic, patient.user, category=Category.ACCOUNT)
    assert len(mail.outbox) == 1


def test_preferences_are_per_clinic(
    clinic, other_clinic, patient, django_capture_on_commit_callbacks
):
    preferences_update(clinic=other_clinic, user=patient.user, marketing_email=True)
    with django_capture_on_commit_callbacks(execute=True):
        _notify(clinic, patient.user, key="a", category=Category.MARKETING)
        _notify(other_clinic, patient.user, key="b", category=Category.MARKETING)
    assert len(mail.outbox) == 1
    assert "Riverside Vets" in mail.outbox[0].from_email


def test_unknown_preference_is_a_clear_error(clinic, patient):
    from branding.errors import DomainError

    with pytest.raises(DomainError) as error:
        preferences_update(clinic=clinic, user=patient.user, carrier_pigeon=True)
    assert error.value.field == "carrier_pigeon"


def test_channels_argument_narrows_but_never_widens(
    clinic, patient, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        _notify(clinic, patient.user, key="sms-only", channels=[Channel.SMS])
        _notify(clinic, patient.user, key="m", category=Category.MARKETING, channels=["email"])
    assert mail.outbox == []


def test_a_rolled_back_transaction_sends_nothing(
    clinic, patient, django_capture_on_commit_callbacks
):
    from django.db import transaction

    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        _notify(clinic, patient.user)
        raise RuntimeError("the booking failed")
    assert callbacks == []
    assert not Notification.objects.exists()
    assert mail.outbox == []


def test_unsubscribed_from_all_hears_nothing_but_account_mail_and_keeps_its_choices(
    clinic, patient, django_capture_on_commit_callbacks, settings, tmp_path
):
    from notifications.services import channels_accepted

    settings.SMS_BACKEND, settings.SMS_FILE_PATH = "file", tmp_path / "sms"
    preferences_update(clinic=clinic, user=patient.user, marketing_email=True, marketing_sms=True)
    prefs = preferences_update(clinic=clinic, user=patient.user, unsubscribed_all=True)
    # The per-type choices are kept as they were.
    assert (prefs.marketing_email, prefs.booking_email, prefs.reminder_sms) == (True, True, True)
    for category in (Category.BOOKING, Category.REMINDER, Category.MESSAGE, Category.MARKETING):
        accepted = channels_accepted(
            clinic=clinic, user=patient.user, category=category, phone="+447700900123"
        )
        assert accepted == [], category
    with django_capture_on_commit_callbacks(execute=True):
        for n, category in enumerate((Category.BOOKING, Category.MESSAGE, Category.MARKETING)):
            _notify(clinic, patient.user, key=f"all-off-{n}", category=category)
            _notify(
                clinic,
                patient.user,
                key=f"all-off-sms-{n}",
                category=category,
                phone="+447700900123",
            )
    assert mail.outbox == [] and not Delivery.objects.exists()
    assert Notification.objects.filter(user=patient.user).count() == 6  # still in the centre
    with django_capture_on_commit_callbacks(execute=True):
        _notify(clinic, patient.user, key="sign-in", category=Category.ACCOUNT)
    assert len(mail.outbox) == 1

    # Back on: the previous choices apply again, marketing by email and SMS included.
    preferences_update(clinic=clinic, user=patient.user, unsubscribed_all=False)
    assert channels_accepted(
        clinic=clinic, user=patient.user, category=Category.MARKETING, phone="+447700900123"
    ) == [Channel.EMAIL, Channel.SMS]
