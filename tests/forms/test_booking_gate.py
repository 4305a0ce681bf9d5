"""A service that requires a form is booked online only once the client has signed it:
the API and the wizard refuse with a clear message and a link to sign; staff are not
held up; a signed (not expired) form lets the booking through."""

import datetime

import pytest
from rest_framework.test import APIClient

from booking_api.models import Booking
from records.documents.selectors import forms_missing_for
from records.models import FormTemplate
from tests.factories.forms import FormTemplateFactory
from tests.fixtures.booking import MONDAY, at, local_day
from tests.fixtures.clinics import host_client
from tests.fixtures.forms import sign

pytestmark = pytest.mark.django_db


@pytest.fixture
def laser_consent(clinic, skin_consult):
    return FormTemplateFactory(clinic=clinic, title="Laser consent", services=[skin_consult])


@pytest.fixture
def api_client(clinic, patient):
    client = host_client(clinic, APIClient)
    client.force_authenticate(patient.user)
    return client


def book_via_api(api_client, skin_consult):
    from branding.services import policy_update

    policy_update(clinic=skin_consult.clinic, min_notice_minutes=0, max_advance_days=730)
    return api_client.post(
        "/api/v1/bookings",
        {"service": skin_consult.key, "staff": "any", "start": f"{MONDAY}T10:00:00+00:00"},
        format="json",
    )


def test_the_api_refuses_until_the_form_is_signed(
    api_client, patient, skin_consult, portal_emma, laser_consent
):
    response = book_via_api(api_client, skin_consult)
    assert response.status_code == 403
    body = response.json()
    assert body["code"] == "forms_required" and body["field"] == "service"
    assert "Laser consent" in body["detail"]
    assert body["forms"] == [
        {
            "id": laser_consent.pk,
            "title": "Laser consent",
            "sign_url": f"/documents/forms/{laser_consent.pk}/sign/",
        }
    ]
    assert not Booking.objects.exists()
    sign(laser_consent, patient)
    assert book_via_api(api_client, skin_consult).status_code == 201


def test_an_expired_signature_does_not_count(clinic, patient, skin_consult, laser_consent):
    signed = sign(laser_consent, patient)
    later = signed.expires_at + datetime.timedelta(minutes=1)
    assert forms_missing_for(clinic, patient, [skin_consult], now=later) == [laser_consent]
    assert forms_missing_for(clinic, patient, [skin_consult]) == []
    assert forms_missing_for(clinic, None, [skin_consult]) == [laser_consent]


def test_an_inactive_form_or_another_service_is_not_required(clinic, patient, skin_consult):
    FormTemplateFactory(clinic=clinic, title="Retired", services=[skin_consult], active=False)
    assert forms_missing_for(clinic, patient, [skin_consult]) == []
    FormTemplateFactory(clinic=clinic, title="Other", services=[])
    assert forms_missing_for(clinic, patient, [skin_consult]) == []


def test_the_wizard_asks_to_sign_first_and_then_books(
    clinic, signed_in, patient, skin_consult, portal_emma, laser_consent
):
    start = at(local_day(4), "11:30")
    params = {"service": skin_consult.pk, "staff": portal_emma.pk, "t": int(start.timestamp())}
    page = signed_in.get("/book/confirm/", params)
    content = page.content.decode()
    assert "Please sign first" in content
    assert f"/documents/forms/{laser_consent.pk}/sign/?next=" in content
    assert "Confirm booking" not in content
    refused = signed_in.post("/book/confirm/", {**params, "notes": ""})
    assert refused.status_code == 200 and "Laser consent" in refused.content.decode()
    assert not Booking.objects.exists()
    sign(laser_consent, patient)
    assert "Please sign first" not in signed_in.get("/book/confirm/", params).content.decode()
    done = signed_in.post("/book/confirm/", {**params, "notes": ""})
    assert done.status_code == 302 and Booking.objects.get().client == patient


def test_a_new_client_in_the_wizard_is_asked_to_sign_in_first(
    clinic, portal, skin_consult, portal_emma, laser_consent
):
    start = at(local_day(4), "11:30")
    params = {"service": skin_consult.pk, "staff": portal_emma.pk, "t": int(start.timestamp())}
    content = portal.get("/book/confirm/", params).content.decode()
    assert "Please sign first" in content and "Sign in or create an account" in content
    response = portal.post(
        "/book/confirm/",
        {**params, "name": "Nina New", "email": "nina@example.com", "phone": "07700 900111"},
    )
    assert response.status_code == 200 and not Booking.objects.exists()


def test_signing_from_the_wizard_returns_to_it(
    clinic, signed_in, skin_consult, portal_emma, laser_consent
):
    from tests.fixtures.forms import GOOD, answers_for

    back = "/book/confirm/?service=1&staff=any&t=1"
    response = signed_in.post(
        f"/documents/forms/{laser_consent.pk}/sign/",
        {**answers_for(laser_consent, **GOOD), "typed_name": "Ada", "next": back},
    )
    assert response.status_code == 302 and response["Location"] == back
    evil = signed_in.post(
        f"/documents/forms/{laser_consent.pk}/sign/",
        {**answers_for(laser_consent, **GOOD), "typed_name": "Ada", "next": "https://evil.test/"},
    )
    assert evil["Location"] == "/documents/"
    assert FormTemplate.objects.count() == 1
