"""Idempotency-Key on the POSTs that create bookings and payments, as Stripe does it:
a retry with the same key and body answers the first answer again and creates nothing
more; the same key with another body is 422 ``idempotency_key_reused``; keys belong to
one person at one clinic and are forgotten after 24 hours."""

from datetime import timedelta

import pytest
from django.utils import timezone
from drf_idempotency.models import IdempotencyRecord
from rest_framework.test import APIClient

from booking_api.models import Booking
from payments.models import Payment
from tests.fixtures.booking import MONDAY, at
from tests.fixtures.clinics import host_client
from tests.fixtures.honesty import nothing_changes

pytestmark = pytest.mark.django_db


def slot(hhmm="10:00"):
    return {"service": "consult", "staff": "emma", "start": at(MONDAY, hhmm).isoformat()}


def book(api, key, body):
    return api.post("/api/v1/bookings", body, format="json", HTTP_IDEMPOTENCY_KEY=key)


def test_a_retried_booking_answers_the_first_answer_and_books_once(open_policy, emma, patient_api):
    first = book(patient_api, "book-1", slot())
    assert first.status_code == 201, first.content
    assert first["Idempotent-Replayed"] == "false"
    again = book(patient_api, "book-1", slot())
    assert again.status_code == 201
    assert again.json() == first.json()
    assert again["Idempotent-Replayed"] == "true"
    assert again["Idempotency-Key"] == "book-1"
    assert Booking.objects.count() == 1
    # Without the key, the same request is a new one (the slot is taken now).
    assert patient_api.post("/api/v1/bookings", slot(), format="json").status_code == 409


def test_the_same_key_with_another_body_is_refused(open_policy, emma, patient_api):
    book(patient_api, "book-1", slot("10:00"))
    with nothing_changes(Booking.objects.all()):
        response = book(patient_api, "book-1", slot("11:00"))
    assert response.status_code == 422
    assert response.json()["code"] == "idempotency_key_reused"
    # Not the key as stored inside (scoped by clinic and person).
    assert "Idempotency-Key was already used" in response.json()["detail"]
    assert ":u" not in response.json()["detail"]


def test_keys_are_each_persons_own(open_policy, emma, patient_api, clinic, verified_patient):
    book(patient_api, "same-key", slot("10:00"))
    someone = host_client(clinic, APIClient)
    someone.force_authenticate(verified_patient.user)
    theirs = book(someone, "same-key", slot("11:00"))
    assert theirs.status_code == 201
    assert theirs["Idempotent-Replayed"] == "false"
    assert Booking.objects.count() == 2


def test_a_refusal_is_replayed_too_and_a_key_is_forgotten_after_a_day(
    open_policy, emma, patient_api, clinic, verified_patient
):
    someone = host_client(clinic, APIClient)
    someone.force_authenticate(verified_patient.user)
    book(someone, "theirs", slot("10:00"))
    taken = book(patient_api, "mine", slot("10:00"))
    assert taken.status_code == 409
    Booking.objects.all().delete()  # the slot frees up
    assert book(patient_api, "mine", slot("10:00")).status_code == 409  # replayed
    IdempotencyRecord.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
    assert book(patient_api, "mine", slot("10:00")).status_code == 201  # a new request


def test_a_retried_checkout_starts_one_payment(
    full_policy, emma, patient_api, stripe_at_localstripe
):
    first = patient_api.post("/api/v1/checkout", slot(), format="json", HTTP_IDEMPOTENCY_KEY="k1")
    assert first.status_code == 201, first.content
    again = patient_api.post("/api/v1/checkout", slot(), format="json", HTTP_IDEMPOTENCY_KEY="k1")
    assert again.json()["payment"] == first.json()["payment"]
    assert Payment.objects.count() == 1


def test_a_bad_key_is_refused_with_a_code(open_policy, emma, patient_api):
    with nothing_changes(Booking.objects.all()):
        response = book(patient_api, "spaces are not allowed", slot())
    assert response.status_code == 400
    assert response.json()["code"] == "idempotency_key_invalid"
