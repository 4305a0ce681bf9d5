"""POST /payments/stripe/webhook: signature on the raw body, 5-minute tolerance, each
event id once, and the object read again from Stripe (order does not matter)."""

import hashlib
import hmac
import json
import time

import pytest
from django.test import Client

from booking_api.models import BookingStatus
from payments import services
from payments.models import PaymentStatus, WebhookEvent
from payments.stripe_api import stripe_client
from tests.fixtures.payments import connect_event

pytestmark = pytest.mark.django_db

SECRET = "whsec_test_portal"  # tests/payments/conftest.py sets STRIPE_WEBHOOK_SECRET
URL = "/payments/stripe/webhook"


def signed(payload: bytes, *, secret=SECRET, at=None):
    at = int(at if at is not None else time.time())
    mac = hmac.new(secret.encode(), f"{at}.".encode() + payload, hashlib.sha256).hexdigest()
    return f"t={at},v1={mac}"


def post(payload, signature):
    # Stripe calls the address it was given: here the platform host, not a clinic's.
    return Client().post(
        URL, data=payload, content_type="application/json", HTTP_STRIPE_SIGNATURE=signature
    )


def raw_event(localstripe, event_id, account="acct_test_glow") -> bytes:
    """The event as localstripe serialises it, with the connected account it happened
    on (Stripe Connect sends the platform ``account``; localstripe has no Connect)."""
    return connect_event(localstripe, event_id, account=account)


def paid_outside_our_confirmation(booking):
    """The patient paid (e.g. with Stripe.js), and only the webhook tells us."""
    payment = services.checkout_start(booking=booking)
    api = stripe_client(booking.clinic)
    api.PaymentIntent.modify(payment.stripe_payment_intent_id, payment_method="pm_card_visa")
    api.PaymentIntent.confirm(payment.stripe_payment_intent_id)
    return payment


def succeeded_event(localstripe, payment) -> bytes:
    events = stripe_client(payment.clinic).Event.list(type="payment_intent.succeeded")
    event = next(
        e for e in events.auto_paging_iter() if e.data.object.id == payment.stripe_payment_intent_id
    )
    return raw_event(localstripe, event.id)


@pytest.fixture
def paid(deposit_policy, held, localstripe):
    booking = held()
    payment = paid_outside_our_confirmation(booking)
    return booking, payment, succeeded_event(localstripe, payment)


def test_a_valid_event_confirms_the_booking_once(paid, django_capture_on_commit_callbacks):
    booking, payment, payload = paid
    with django_capture_on_commit_callbacks(execute=True):
        response = post(payload, signed(payload))
    assert response.status_code == 200 and response.json()["duplicate"] is False
    payment.refresh_from_db()
    booking.refresh_from_db()
    assert payment.status == PaymentStatus.SUCCEEDED
    assert booking.status == BookingStatus.BOOKED
    record = WebhookEvent.objects.get()
    assert record.processed_at and record.type == "payment_intent.succeeded"

    # The same event delivered again: 200, nothing done.
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        again = post(payload, signed(payload))
    assert again.status_code == 200 and again.json()["duplicate"] is True
    assert callbacks == [] and WebhookEvent.objects.count() == 1
    assert booking.events.filter(kind="payment").count() == 1


def test_a_tampered_body_is_refused_and_changes_nothing(paid):
    booking, payment, payload = paid
    signature = signed(payload)
    tampered = payload.replace(b'"amount": 900', b'"amount": 1')
    assert tampered != payload
    response = post(tampered, signature)
    assert response.status_code == 400 and response.json()["code"] == "bad_signature"
    assert post(payload, signed(payload, secret="whsec_wrong")).status_code == 400
    assert post(payload, "").status_code == 400
    assert not WebhookEvent.objects.exists()
    booking.refresh_from_db()
    assert booking.status == BookingStatus.PENDING_PAYMENT


def test_an_event_signed_more_than_five_minutes_ago_is_refused(paid):
    booking, _, payload = paid
    response = post(payload, signed(payload, at=time.time() - 301))
    assert response.status_code == 400
    assert not WebhookEvent.objects.exists()
    booking.refresh_from_db()
    assert booking.status == BookingStatus.PENDING_PAYMENT


def test_an_event_signed_more_than_five_minutes_in_the_future_is_refused(paid):
    # A timestamp ahead of the clock is no fresher than one behind it: a captured request
    # re-signed with a future time must not replay for the next hour.
    booking, _, payload = paid
    response = post(payload, signed(payload, at=time.time() + 3600))
    assert response.status_code == 400
    assert not WebhookEvent.objects.exists()
    booking.refresh_from_db()
    assert booking.status == BookingStatus.PENDING_PAYMENT


def test_events_out_of_order_follow_stripe_not_the_payload(
    paid, django_capture_on_commit_callbacks
):
    """A failure event that arrives after the payment succeeded (its payload still says
    requires_payment_method) does not undo anything: the intent is read again."""
    booking, payment, payload = paid
    stale = json.loads(payload)
    stale["id"] = "evt_stale_failure"
    stale["type"] = "payment_intent.payment_failed"
    stale["data"]["object"]["status"] = "requires_payment_method"
    body = json.dumps(stale).encode()
    with django_capture_on_commit_callbacks(execute=True):
        assert post(body, signed(body)).status_code == 200
    payment.refresh_from_db()
    booking.refresh_from_db()
    assert payment.status == PaymentStatus.SUCCEEDED
    assert booking.status == BookingStatus.BOOKED
    # The success event, arriving later, is then a no-op.
    with django_capture_on_commit_callbacks(execute=True):
        assert post(payload, signed(payload)).status_code == 200
    assert booking.events.filter(kind="payment").count() == 1
    assert WebhookEvent.objects.filter(processed_at__isnull=False).count() == 2


def test_the_webhook_answers_on_a_clinic_domain_too(paid, clinic):
    _, _, payload = paid
    response = Client(HTTP_HOST=clinic.site.hostname).post(
        URL,
        data=payload,
        content_type="application/json",
        HTTP_STRIPE_SIGNATURE=signed(payload),
    )
    assert response.status_code == 200


def test_an_event_for_an_intent_stripe_does_not_know_is_settled_once(
    paid, django_capture_on_commit_callbacks
):
    # Stripe answers 404 for the object: retrying can never succeed, so the event is
    # recorded as settled without effect instead of failing on every retry.
    booking, payment, payload = paid
    event = json.loads(payload)
    event["id"] = "evt_unknown_intent"
    event["data"]["object"]["id"] = "pi_nobody_knows_this_one"
    body = json.dumps(event).encode()
    with django_capture_on_commit_callbacks(execute=True):
        response = post(body, signed(body))
    assert response.status_code == 200
    record = WebhookEvent.objects.get(stripe_event_id="evt_unknown_intent")
    assert record.processed_at is not None
    assert "unknown to Stripe" in record.result
    payment.refresh_from_db()
    booking.refresh_from_db()
    assert booking.status == BookingStatus.PENDING_PAYMENT
