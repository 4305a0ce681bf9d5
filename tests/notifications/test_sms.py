"""The SMS channel: a file per text by default, and a provider's HTTP API in production
(tested against a real HTTP server on 127.0.0.1, no mocks)."""

import json

import pytest

from notifications.channels.sms import SMS_MAX_CHARS, sms_text
from notifications.models import Channel, Delivery, DeliveryStatus
from notifications.services import delivery_send, notify
from tests.fixtures.local_servers import SmsProvider as Provider

pytestmark = pytest.mark.django_db

TEXT = "Reminder: Consultation at 10:00\nConsultation with Emma, Monday at 10:00."


def text_someone(clinic, user, key="sms-1", body="Consultation with Emma, Monday at 10:00."):
    # The caller knows the person's number, as the reminder service does.
    account = user.client_accounts.get(clinic=clinic)
    notification = notify(
        clinic=clinic,
        user=user,
        kind="booking_reminder",
        category="reminder",
        title="Reminder: Consultation at 10:00",
        body=body,
        idempotency_key=key,
        channels=[Channel.SMS],
        phone=account.phone,
    )
    return Delivery.objects.get(notification=notification, channel=Channel.SMS)


@pytest.fixture
def provider(settings):
    with Provider() as running:
        settings.SMS_BACKEND = "http"
        settings.SMS_API_URL = running.url
        settings.SMS_API_KEY = "test-key"
        yield running


def test_the_file_backend_writes_one_json_file_per_text(clinic, patient, settings, tmp_path):
    settings.SMS_BACKEND = "file"
    settings.SMS_FILE_PATH = tmp_path / "sms"
    delivery = text_someone(clinic, patient.user)
    delivery_send(delivery_id=delivery.pk)
    delivery_send(delivery_id=delivery.pk)  # a second run sends nothing

    (path,) = (tmp_path / "sms").glob("*.json")
    record = json.loads(path.read_text())
    assert record["to"] == "+447700900123"
    assert record["from"] == "Glow Aesthe"  # the clinic as an 11-character sender id
    assert record["body"] == TEXT
    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.SENT
    assert delivery.extra["provider_id"] == path.name


def test_the_http_backend_posts_json_to_the_provider(clinic, patient, provider, settings):
    settings.SMS_FROM = "+447700900999"
    delivery = text_someone(clinic, patient.user)
    delivery_send(delivery_id=delivery.pk)
    delivery_send(delivery_id=delivery.pk)

    (request,) = provider.requests
    assert request["path"] == "/v1/messages"
    assert request["json"] == {
        "to": "+447700900123",
        "from": "+447700900999",
        "body": TEXT,
    }
    assert request["headers"]["Authorization"] == "Bearer test-key"
    assert request["headers"]["Content-Type"] == "application/json"
    assert request["headers"]["Idempotency-Key"]
    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.SENT
    assert delivery.extra["provider_id"] == "msg_1"


def test_a_provider_error_fails_the_delivery_and_a_retry_sends(clinic, patient, provider):
    provider.status = 503
    delivery = text_someone(clinic, patient.user)
    with pytest.raises(Exception, match="503"):
        delivery_send(delivery_id=delivery.pk)
    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.FAILED
    assert "503" in delivery.error and "number not reachable" in delivery.error

    provider.status = 200
    delivery_send(delivery_id=delivery.pk)
    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.SENT
    # Both attempts carried the same idempotency key, so a provider can drop a repeat.
    keys = {r["headers"]["Idempotency-Key"] for r in provider.requests}
    assert len(provider.requests) == 2 and len(keys) == 1


def test_an_unreachable_provider_is_a_clear_failure(clinic, patient, settings):
    with Provider() as gone:
        url = gone.url
    settings.SMS_BACKEND = "http"
    settings.SMS_API_URL = url
    delivery = text_someone(clinic, patient.user)
    with pytest.raises(Exception, match="could not be reached"):
        delivery_send(delivery_id=delivery.pk)
    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.FAILED


def test_no_phone_number_is_a_clear_failure(clinic, patient, settings, tmp_path):
    settings.SMS_FILE_PATH = tmp_path / "sms"
    patient.phone = ""
    patient.save(update_fields=["phone"])
    delivery = text_someone(clinic, patient.user)
    with pytest.raises(Exception, match="no mobile number"):
        delivery_send(delivery_id=delivery.pk)
    assert not (tmp_path / "sms").exists()


def test_a_long_text_is_cut_to_four_segments(clinic, patient):
    notification = text_someone(clinic, patient.user, body="x" * 2000).notification
    text = sms_text(notification)
    assert len(text) == SMS_MAX_CHARS
    assert text.endswith("…")
