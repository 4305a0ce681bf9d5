"""Stripe's PaymentSheet for native apps: the Customer with an ephemeral key, a card
added outside a booking, and the payment's status read again after the SDK confirmed it
client-side (3-D Secure included), against localstripe."""

import pytest
import stripe
from django.conf import settings
from rest_framework.test import APIClient

from booking_api.models import Booking, BookingStatus
from payments.models import SavedCard, StripeCustomer
from payments.services.payment_sheet import ephemeral_key_api_version
from payments.stripe_api import stripe_client
from people.models import ClientAccount
from tests.factories.clients import ClientAccountFactory
from tests.fixtures.booking import MONDAY, at
from tests.fixtures.clinics import host_client
from tests.fixtures.honesty import nothing_changes

pytestmark = pytest.mark.django_db

AUTHENTICATION_CARD = "4000002500003155"


def checkout(api, hhmm="10:00"):
    return api.post(
        "/api/v1/checkout",
        {"service": "consult", "staff": "emma", "start": at(MONDAY, hhmm).isoformat()},
        format="json",
    )


def test_the_sheet_gets_the_customer_and_an_ephemeral_key_for_the_pinned_version(
    patient_api, patient, localstripe
):
    sheet = patient_api.post("/api/v1/payment-sheet")
    assert sheet.status_code == 200, sheet.content
    body = sheet.json()
    customer = StripeCustomer.objects.get(client=patient)
    assert body["customer"] == customer.stripe_customer_id
    assert body["ephemeral_key"].startswith("ek_test_")
    assert body["stripe_api_version"] == ephemeral_key_api_version() == stripe.api_version
    assert body["publishable_key"] == settings.STRIPE_PUBLISHABLE_KEY
    assert body["ephemeral_key_expires"] > 0
    # One Customer however often the sheet is opened; a fresh key each time.
    again = patient_api.post("/api/v1/payment-sheet").json()
    assert again["customer"] == body["customer"]
    assert again["ephemeral_key"] != body["ephemeral_key"]
    assert StripeCustomer.objects.filter(client=patient).count() == 1


def test_the_pinned_version_can_be_set(patient_api, settings):
    settings.STRIPE_EPHEMERAL_KEY_API_VERSION = "2024-06-20"
    assert patient_api.post("/api/v1/payment-sheet").json()["stripe_api_version"] == "2024-06-20"


def test_the_checkouts_payment_intent_is_on_the_customer_so_the_sheet_shows_saved_cards(
    deposit_policy, emma, patient_api, patient, clinic
):
    body = checkout(patient_api).json()
    sheet = patient_api.post("/api/v1/payment-sheet").json()
    assert sheet["stripe_account"] == body["stripe_account"] != ""  # the clinic's account
    intent = stripe_client(clinic).PaymentIntent.retrieve(
        body["client_secret"].split("_secret_")[0]
    )
    customer = intent.customer if isinstance(intent.customer, str) else intent.customer["id"]
    assert customer == sheet["customer"]


def test_paid_client_side_then_the_status_is_read_again(
    full_policy, emma, patient_api, native_sdk, django_capture_on_commit_callbacks
):
    body = checkout(patient_api).json()
    payment = body["payment"]["id"]
    before = patient_api.get(f"/api/v1/payments/{payment}").json()
    assert before["status"] == "pending" and before["client_secret"] == body["client_secret"]
    assert native_sdk.confirm_payment(body["client_secret"]) == "succeeded"
    with django_capture_on_commit_callbacks(execute=True):
        refreshed = patient_api.get(f"/api/v1/payments/{payment}")
    assert refreshed.status_code == 200
    assert refreshed.json()["status"] == "succeeded"
    assert refreshed.json()["amount_captured"] == 4500
    assert refreshed.json()["client_secret"] == "" and refreshed.json()["next_action"] is None
    assert Booking.objects.get(pk=body["booking"]).status == BookingStatus.BOOKED


def test_3d_secure_is_returned_as_the_next_action_then_the_status_is_read_again(
    full_policy, emma, patient_api, native_sdk, django_capture_on_commit_callbacks
):
    body = checkout(patient_api).json()
    payment = body["payment"]["id"]
    assert native_sdk.confirm_payment(body["client_secret"], AUTHENTICATION_CARD) == (
        "requires_action"
    )
    waiting = patient_api.get(f"/api/v1/payments/{payment}").json()
    assert waiting["status"] == "requires_action"
    assert waiting["next_action"]["type"] and waiting["client_secret"] == body["client_secret"]
    assert Booking.objects.get(pk=body["booking"]).status == BookingStatus.PENDING_PAYMENT
    native_sdk.authenticate(waiting["client_secret"])
    with django_capture_on_commit_callbacks(execute=True):
        done = patient_api.get(f"/api/v1/payments/{payment}").json()
    assert done["status"] == "succeeded" and done["next_action"] is None
    assert Booking.objects.get(pk=body["booking"]).status == BookingStatus.BOOKED


def test_another_persons_payment_is_404_and_reading_makes_no_account(
    full_policy, emma, patient_api, clinic, other_clinic, patient
):
    payment = checkout(patient_api).json()["payment"]["id"]
    stranger = host_client(clinic, APIClient)
    stranger.force_authenticate(ClientAccountFactory(clinic=clinic).user)
    assert stranger.get(f"/api/v1/payments/{payment}").status_code == 404
    elsewhere = host_client(other_clinic, APIClient)
    elsewhere.force_authenticate(patient.user)
    with nothing_changes(ClientAccount):
        refused = elsewhere.get(f"/api/v1/payments/{payment}")
    assert refused.status_code == 403 and refused.json()["code"] == "not_a_client_here"


def test_a_card_added_outside_a_booking_is_saved_once_confirmed(patient_api, patient, native_sdk):
    started = patient_api.post("/api/v1/cards/add")
    assert started.status_code == 201, started.content
    body = started.json()
    assert body["setup_intent"].startswith("seti_") and body["client_secret"]
    assert body["status"] == "requires_payment_method" and body["card"] is None
    assert body["customer"] == StripeCustomer.objects.get(client=patient).stripe_customer_id
    assert body["ephemeral_key"].startswith("ek_test_")
    url = f"/api/v1/cards/add/{body['setup_intent']}"
    # Before the sheet confirmed it, nothing is saved.
    with nothing_changes(SavedCard):
        assert patient_api.post(url).json()["status"] == "requires_payment_method"
    assert native_sdk.confirm_setup(body["client_secret"]) == "succeeded"
    done = patient_api.post(url).json()
    assert done["status"] == "succeeded" and done["card"]["last4"] == "4242"
    # Asking again saves nothing twice; the card is in the list.
    with nothing_changes(SavedCard):
        patient_api.post(url)
    assert [c["last4"] for c in patient_api.get("/api/v1/cards").json()["results"]] == ["4242"]


def test_another_persons_card_setup_is_404(clinic, patient_api, native_sdk):
    body = patient_api.post("/api/v1/cards/add").json()
    native_sdk.confirm_setup(body["client_secret"])
    stranger = host_client(clinic, APIClient)
    stranger.force_authenticate(ClientAccountFactory(clinic=clinic).user)
    with nothing_changes(SavedCard):
        for path in (body["setup_intent"], "seti_unknown", "not-an-intent"):
            assert stranger.post(f"/api/v1/cards/add/{path}").status_code == 404


def test_a_cancelled_attempts_secret_is_not_handed_out(full_policy, emma, patient_api, clinic):
    """Found trying the API: once a declined card's PaymentIntent was cancelled (the
    server does so when the next card gets a fresh attempt), reading the payment again
    still gave that intent's client_secret, which no PaymentSheet can use."""
    body = checkout(patient_api).json()
    payment = body["payment"]["id"]
    declined = patient_api.post(
        f"/api/v1/payments/{payment}/confirm", {"payment_method": "decline"}, format="json"
    )
    assert declined.status_code == 402
    intent_id = body["client_secret"].split("_secret_")[0]
    stripe_client(clinic).PaymentIntent.cancel(intent_id)
    read = patient_api.get(f"/api/v1/payments/{payment}").json()
    assert (read["client_secret"], read["next_action"]) == ("", None)


def test_on_the_local_test_server_a_test_card_name_confirms_the_added_card(patient_api):
    body = patient_api.post("/api/v1/cards/add").json()
    url = f"/api/v1/cards/add/{body['setup_intent']}"
    with nothing_changes(SavedCard):
        declined = patient_api.post(url, {"payment_method": "decline_generic"}, format="json")
    assert declined.status_code == 402 and declined.json()["field"] == "payment_method"
    assert "0002" in declined.json()["detail"]
    with nothing_changes(SavedCard):
        unknown = patient_api.post(url, {"payment_method": "pm_card_visa"}, format="json")
    assert unknown.status_code == 400 and unknown.json()["field"] == "payment_method"
    done = patient_api.post(url, {"payment_method": "success"}, format="json").json()
    assert done["status"] == "succeeded" and done["card"]["last4"] == "4242"
    assert [c["last4"] for c in patient_api.get("/api/v1/cards").json()["results"]] == ["4242"]
