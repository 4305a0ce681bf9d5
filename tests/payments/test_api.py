"""The payments API as the portal and the apps use it, against localstripe."""

import pytest
from rest_framework.test import APIClient

from booking_api.models import Booking, BookingStatus
from payments.models import Payment, PaymentStatus, Refund
from tests.factories.clients import ClientAccountFactory
from tests.fixtures.booking import MONDAY, at
from tests.fixtures.clinics import host_client

pytestmark = pytest.mark.django_db


def checkout(api, hhmm="10:00"):
    return api.post(
        "/api/v1/checkout",
        {"service": "consult", "staff": "emma", "start": at(MONDAY, hhmm).isoformat()},
        format="json",
    )


def test_checkout_holds_the_slot_and_shows_what_is_due(deposit_policy, emma, patient_api):
    response = checkout(patient_api)
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["booking_status"] == "pending_payment" and body["hold_expires_at"]
    assert body["quote"] == {
        "mode": "deposit",
        "kind": "deposit",
        "price": 4500,
        "discount": 0,
        "deposit": 900,
        "due_now": 900,
        "balance_later": 3600,
        "currency": "GBP",
        "full_price": 4500,
        "member_discount": 0,
        "member_discount_label": "",
    }
    assert body["payment"]["amount"] == 900 and body["client_secret"]
    assert body["test_cards"]["success"] == "4242 4242 4242 4242"
    # The held slot is no longer offered to anyone.
    again = checkout(patient_api)
    assert again.status_code == 409


def test_paying_with_the_test_card_confirms_the_booking(
    full_policy, emma, patient_api, django_capture_on_commit_callbacks
):
    body = checkout(patient_api).json()
    with django_capture_on_commit_callbacks(execute=True):
        paid = patient_api.post(
            f"/api/v1/payments/{body['payment']['id']}/confirm",
            {"payment_method": "success"},
            format="json",
        )
    assert paid.status_code == 200, paid.json()
    assert paid.json()["status"] == "succeeded" and paid.json()["amount_captured"] == 4500
    booking = Booking.objects.get(pk=body["booking"])
    assert booking.status == BookingStatus.BOOKED

    # Cancelling in good time refunds by the policy: all of it.
    with django_capture_on_commit_callbacks(execute=True):
        cancelled = patient_api.post(f"/api/v1/bookings/{booking.pk}/cancel", {}, format="json")
    assert cancelled.status_code == 200, cancelled.json()
    assert list(Refund.objects.values_list("amount", flat=True)) == [4500]
    booking.refresh_from_db()
    assert booking.status == BookingStatus.REFUNDED


def test_a_declined_card_is_a_plain_error_and_the_hold_is_kept(deposit_policy, emma, patient_api):
    body = checkout(patient_api).json()
    declined = patient_api.post(
        f"/api/v1/payments/{body['payment']['id']}/confirm",
        {"payment_method": "decline"},
        format="json",
    )
    assert declined.status_code == 402
    error = declined.json()
    assert error["code"] == "card_declined" and error["field"] == "payment_method"
    assert error["detail"].startswith("Your card was declined.")
    assert Booking.objects.get(pk=body["booking"]).status == BookingStatus.PENDING_PAYMENT
    assert Payment.objects.get().status == PaymentStatus.PENDING
    # Resuming the checkout finds the same payment.
    resumed = patient_api.post(f"/api/v1/bookings/{body['booking']}/checkout")
    assert resumed.status_code == 200 and resumed.json()["payment"]["id"] == body["payment"]["id"]


def test_nobody_else_can_pay_or_see_my_payment(deposit_policy, emma, patient_api, clinic):
    body = checkout(patient_api).json()
    other = host_client(clinic, APIClient)
    other.force_authenticate(ClientAccountFactory(clinic=clinic).user)
    response = other.post(
        f"/api/v1/payments/{body['payment']['id']}/confirm",
        {"payment_method": "success"},
        format="json",
    )
    assert response.status_code == 404
    assert other.post(f"/api/v1/bookings/{body['booking']}/checkout").status_code == 404


def test_a_clinic_without_online_payment_has_no_checkout(open_policy, emma, patient_api):
    response = checkout(patient_api)
    assert response.status_code == 400 and response.json()["code"] == "nothing_due"
    assert not Booking.objects.exists()
