"""A mobile app from first launch, through the API only, step by step as docs/api.md's
"Build an app" walkthrough tells it: boot, sign up, confirm the email, register the phone
for push, read the home screen, book with an Idempotency-Key (retried once) and pay
through Stripe's PaymentSheet (Customer, ephemeral key, client-side confirmation, status
read again), get the confirmation push at the local FCM server, add a card for later,
list the receipt, set a preference, see the signed-in devices and sign this device out
(which ends its push registration) — rescheduling, cancelling with the quote and
redeeming a reward on the way."""

import re
import uuid

import pytest
from rest_framework.test import APIClient

from booking_api.models import Booking, BookingStatus
from loyalty.services import points_award
from notifications.models import AppDevice
from payments.models import Payment
from people.models import ClientAccount
from tests.factories.clients import PASSWORD
from tests.factories.loyalty import RewardFactory
from tests.fixtures.booking import MONDAY
from tests.fixtures.clinics import host_client
from tests.fixtures.people import SIGNUP_DETAILS, last_email_to

pytestmark = pytest.mark.django_db

EMAIL = "ana@example.com"
FCM_TOKEN = "dGVzdC1mY20tdG9rZW4:APA91b" + "x" * 120


def test_first_launch_to_signing_out(
    clinic,
    full_policy,
    emma,
    programme,
    stripe_at_localstripe,
    native_sdk,
    fcm_server,
    django_capture_on_commit_callbacks,
):
    RewardFactory(clinic=clinic, name="£5 off")
    app = host_client(clinic, APIClient)

    # 1. Boot: who the clinic is and what it offers.
    boot = app.get("/api/v1/clinic")
    assert boot.status_code == 200 and boot["ETag"]
    assert boot.json()["features"]["online_booking"] is True

    # 2. Sign up (allauth's headless API for apps), then confirm the email.
    signup = app.post(
        "/_allauth/app/v1/auth/signup",
        {"email": EMAIL, "password": PASSWORD, **SIGNUP_DETAILS},
        format="json",
        HTTP_X_DEVICE_NAME="Ana's phone",
    )
    assert signup.status_code == 401  # not signed in until the email is confirmed
    session_token = signup.json()["meta"]["session_token"]
    key = re.search(r"/accounts/confirm-email/([^/\s]+)/", last_email_to(EMAIL).body).group(1)
    verified = app.post(
        "/_allauth/app/v1/auth/email/verify",
        {"key": key},
        format="json",
        HTTP_X_SESSION_TOKEN=session_token,
        HTTP_X_DEVICE_NAME="Ana's phone",
    )
    assert verified.status_code == 200
    app.credentials(HTTP_AUTHORIZATION=f"Token {verified.json()['meta']['access_token']}")

    # 2b. Register this phone for push (FCM's registration token from the Firebase SDK).
    device = app.post(
        "/api/v1/push/devices",
        {"platform": "fcm", "push_token": FCM_TOKEN, "name": "Ana's phone"},
        format="json",
    )
    assert device.status_code == 201, device.content
    assert device.json()["current"] is True

    # 3. Who am I, and the home screen the clinic arranged.
    assert app.get("/api/v1/me").json()["first_name"] == "Ana"
    assert app.get("/api/v1/dashboard").status_code == 200
    assert "booking_instructions" in app.get("/api/v1/content").json()

    # 4. Book: a free slot, then checkout with an Idempotency-Key, retried once.
    slots = app.get(
        "/api/v1/availability", {"service": "consult", "from": MONDAY, "to": MONDAY}
    ).json()["slots"]
    body = {"service": "consult", "staff": "emma", "start": slots[0]["start"]}
    key = str(uuid.uuid4())
    checkout = app.post("/api/v1/checkout", body, format="json", HTTP_IDEMPOTENCY_KEY=key)
    assert checkout.status_code == 201, checkout.content
    retried = app.post("/api/v1/checkout", body, format="json", HTTP_IDEMPOTENCY_KEY=key)
    assert retried.json() == checkout.json() and retried["Idempotent-Replayed"] == "true"
    assert Payment.objects.count() == 1

    # 5. Pay through Stripe's PaymentSheet: the person's Customer and an ephemeral key
    #    (saved cards), the checkout's client_secret; the SDK confirms client-side, then
    #    the app reads the payment's status again.
    sheet = app.post("/api/v1/payment-sheet").json()
    assert sheet["customer"].startswith("cus_") and sheet["ephemeral_key"].startswith("ek_")
    payment_id = checkout.json()["payment"]["id"]
    assert native_sdk.confirm_payment(checkout.json()["client_secret"]) == "succeeded"
    with django_capture_on_commit_callbacks(execute=True):
        paid = app.get(f"/api/v1/payments/{payment_id}")
    assert paid.status_code == 200 and paid.json()["status"] == "succeeded"
    [booking] = app.get("/api/v1/bookings", {"when": "upcoming"}).json()["results"]
    assert booking["status"] == BookingStatus.BOOKED
    assert Booking.objects.get().client.clinic == clinic

    # 5a. The confirmation push, as the local FCM server received it: routable to the
    #    booking, with the unread notifications' count as the badge.
    [push] = [r["json"]["message"] for r in fcm_server.sends_to(FCM_TOKEN)]
    assert push["data"]["type"] == "booking_confirmed"
    assert push["data"]["id"] == str(booking["id"])
    assert push["data"]["path"] == f"/bookings/{Booking.objects.get().reference}/"
    listed = app.get("/api/v1/notifications").json()["results"]  # confirmation, receipt
    assert push["data"]["badge"] == str(sum(not n["read"] for n in listed)) == "2"
    assert push["notification"]["title"] == clinic.name

    # 5b. A card for later, outside a booking (the PaymentSheet in setup mode).
    adding = app.post("/api/v1/cards/add", HTTP_IDEMPOTENCY_KEY=str(uuid.uuid4())).json()
    assert native_sdk.confirm_setup(adding["client_secret"]) == "succeeded"
    added = app.post(f"/api/v1/cards/add/{adding['setup_intent']}").json()
    assert added["card"]["last4"] == "4242"
    assert [c["last4"] for c in app.get("/api/v1/cards").json()["results"]] == ["4242"]

    # 5c. Reschedule to a later free slot, then cancel it with the quote shown first.
    later = next(s["start"] for s in slots[1:] if s["start"] > slots[0]["start"])
    moved = app.post(
        f"/api/v1/bookings/{booking['id']}/reschedule",
        {"start": later, "staff": "emma"},
        format="json",
    )
    assert moved.status_code == 200, moved.content
    assert moved.json()["start"] == later and moved.json()["reschedule_count"] == 1
    quote = app.get(f"/api/v1/bookings/{booking['id']}/cancel").json()
    assert quote["allowed"] is True and quote["free"] is True and quote["refund"] == 4500
    with django_capture_on_commit_callbacks(execute=True):
        cancelled = app.post(
            f"/api/v1/bookings/{booking['id']}/cancel", {"reason": "ill"}, format="json"
        )
    assert cancelled.json()["status"] == BookingStatus.CANCELLED

    # 5d. Redeem a reward with the points a visit earned (given here as the clinic would).
    ana = ClientAccount.objects.get(clinic=clinic, user__email=EMAIL)
    points_award(clinic=clinic, client=ana, amount=150, reason="visit")
    [offered] = app.get("/api/v1/loyalty/rewards").json()["results"]
    redeemed = app.post(
        f"/api/v1/loyalty/rewards/{offered['id']}/redeem", HTTP_IDEMPOTENCY_KEY=str(uuid.uuid4())
    )
    assert redeemed.status_code == 201, redeemed.content
    assert [v["code"] for v in app.get("/api/v1/loyalty/vouchers").json()["results"]] == [
        redeemed.json()["code"]
    ]

    # 6. The receipt (and its refund's), and a preference.
    [receipt] = app.get("/api/v1/payments").json()["results"]
    assert app.get(receipt["receipt_url"]).content.startswith(b"%PDF")
    assert [r["amount"] for r in receipt["refunds"]] == [4500]
    prefs = app.patch(
        "/api/v1/preferences", {"communication": {"marketing_email": True}}, format="json"
    )
    assert prefs.json()["communication"]["marketing_email"] is True

    # 7. The devices signed in here, and signing this one out: its push goes with it.
    assert [d["name"] for d in app.get("/api/v1/auth/devices").json()["results"]] == ["Ana's phone"]
    assert app.delete("/api/v1/auth/token").status_code == 204
    assert app.get("/api/v1/me").status_code == 401
    assert not AppDevice.objects.exists()
