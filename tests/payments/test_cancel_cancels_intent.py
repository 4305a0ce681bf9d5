"""Issue 18 #8: a cancelled held booking cannot be paid afterwards with its PaymentIntent's
client secret. Cancelling at any door (the patient in the portal or the app, staff in the
calendar, the hold running out) cancels the intent at Stripe — here the local stateful
Stripe server, which then refuses to confirm it. A payment that got through before the
cancellation reached Stripe is refunded in full, with the right explanation."""

import datetime
import hashlib
import hmac
import time

import pytest
import stripe
from django.test import Client
from django.utils import timezone
from rest_framework.test import APIClient

from booking_api.models import BookingStatus
from notifications.models import Notification
from payments import services
from payments.models import PaymentStatus, Refund
from payments.stripe_api import stripe_client
from tests.fixtures.clinics import host_client
from tests.fixtures.payments import connect_event

pytestmark = pytest.mark.django_db

SECRET = "whsec_test_portal"  # tests/payments/conftest.py sets STRIPE_WEBHOOK_SECRET


def _web(user, clinic):
    client = Client(HTTP_HOST=clinic.site.hostname)
    client.force_login(user)
    return client


def _portal(booking, clinic, patient, staff_user):
    response = _web(patient.user, clinic).post(
        f"/bookings/{booking.reference}/cancel/", {"reason": "Changed my mind"}
    )
    assert response.status_code in (200, 302)


def _api(booking, clinic, patient, staff_user):
    api = host_client(clinic, APIClient)
    api.force_authenticate(patient.user)
    response = api.post(f"/api/v1/bookings/{booking.pk}/cancel", {}, format="json")
    assert response.status_code == 200, response.json()


def _calendar(booking, clinic, patient, staff_user):
    response = _web(staff_user, clinic).post(f"/admin/bookings/calendar/{booking.pk}/cancel/")
    assert response.status_code in (200, 302)


def _hold_runs_out(booking, clinic, patient, staff_user):
    later = timezone.now() + datetime.timedelta(minutes=11)
    assert services.holds_expire(now=later) == {booking.pk: "released"}


def pay_with_client_secret(payment):
    """What Stripe.js does in the patient's browser with the intent's client secret."""
    api = stripe_client(payment.clinic)
    api.PaymentIntent.modify(payment.stripe_payment_intent_id, payment_method="pm_card_visa")
    return api.PaymentIntent.confirm(payment.stripe_payment_intent_id)


@pytest.mark.parametrize("door", [_portal, _api, _calendar, _hold_runs_out])
def test_cancelling_a_held_booking_cancels_its_intent_at_stripe(
    door, full_policy, held, clinic, patient, staff_user, django_capture_on_commit_callbacks
):
    booking = held()
    payment = services.checkout_start(booking=booking)
    with django_capture_on_commit_callbacks(execute=True):
        door(booking, clinic, patient, staff_user)
    booking.refresh_from_db()
    assert booking.status == BookingStatus.CANCELLED
    intent = stripe_client(payment.clinic).PaymentIntent.retrieve(payment.stripe_payment_intent_id)
    assert intent.status == "canceled"
    payment.refresh_from_db()
    assert payment.status == PaymentStatus.CANCELED
    # The client secret no longer pays: Stripe refuses to confirm a cancelled intent.
    with pytest.raises(stripe.error.InvalidRequestError):
        pay_with_client_secret(payment)
    assert not Refund.objects.exists()


def _signed(payload: bytes):
    at = int(time.time())
    mac = hmac.new(SECRET.encode(), f"{at}.".encode() + payload, hashlib.sha256).hexdigest()
    return f"t={at},v1={mac}"


def _succeeded_event(localstripe, payment) -> bytes:
    events = stripe_client(payment.clinic).Event.list(type="payment_intent.succeeded")
    event = next(
        e for e in events.auto_paging_iter() if e.data.object.id == payment.stripe_payment_intent_id
    )
    return connect_event(localstripe, event.id, account=payment.clinic.stripe_account.account_id)


def test_a_payment_that_beat_the_cancellation_is_refunded_saying_why(
    full_policy, held, patient, localstripe, django_capture_on_commit_callbacks
):
    booking = held()
    payment = services.checkout_start(booking=booking)
    # The patient pays in the browser a moment before cancelling; no webhook yet.
    assert pay_with_client_secret(payment).status == "succeeded"
    with django_capture_on_commit_callbacks(execute=True):
        _api(booking, booking.clinic, patient, None)
    # Then Stripe's webhook arrives too.
    payload = _succeeded_event(localstripe, payment)
    with django_capture_on_commit_callbacks(execute=True):
        response = Client().post(
            "/payments/stripe/webhook",
            data=payload,
            content_type="application/json",
            HTTP_STRIPE_SIGNATURE=_signed(payload),
        )
    assert response.status_code == 200
    payment.refresh_from_db()
    assert payment.status == PaymentStatus.SUCCEEDED
    refund = Refund.objects.get()  # once, in full
    assert refund.amount == payment.amount_captured == 4500
    assert refund.reason == "The booking was cancelled before the payment went through."
    note = Notification.objects.get(idempotency_key=f"payment-{payment.pk}-late-refund")
    assert "after the booking had been cancelled" in note.body
    assert "held for you" not in note.body
    booking.refresh_from_db()
    assert booking.status == BookingStatus.REFUNDED
