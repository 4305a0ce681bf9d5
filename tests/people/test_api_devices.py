"""An app signs in once per device: each sign-in is its own token (django-rest-knox),
for the clinic whose host issued it; the person sees their signed-in devices and signs
out one, or all, without touching the others."""

from datetime import timedelta

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from people.models import DeviceToken
from tests.factories.clients import PASSWORD
from tests.fixtures.clinics import host_client
from tests.fixtures.honesty import nothing_changes

pytestmark = pytest.mark.django_db


def sign_in(clinic, email, device=""):
    app = host_client(clinic, APIClient)
    body = {"email": email, "password": PASSWORD}
    if device:
        body["device"] = device
    answer = app.post("/api/v1/auth/token", body, format="json")
    assert answer.status_code == 200, answer.content
    app.credentials(HTTP_AUTHORIZATION=f"Token {answer.json()['token']}")
    return app, answer.json()


def test_signing_in_names_the_device_and_says_when_the_token_lapses(clinic, patient):
    app, answer = sign_in(clinic, patient.user.email, "Jo's iPhone")
    assert set(answer) == {"token", "expiry", "device"}
    devices = app.get("/api/v1/auth/devices").json()["results"]
    assert [(d["name"], d["current"], d["id"]) for d in devices] == [
        ("Jo's iPhone", True, answer["device"])
    ]
    # Only a digest of the token is stored, never the token itself.
    assert not DeviceToken.objects.filter(digest=answer["token"]).exists()
    assert answer["token"] not in str(devices)


def test_signing_out_signs_out_this_device_only(clinic, patient):
    phone, _ = sign_in(clinic, patient.user.email, "phone")
    tablet, _ = sign_in(clinic, patient.user.email, "tablet")
    assert phone.delete("/api/v1/auth/token").status_code == 204
    assert phone.get("/api/v1/me").status_code == 401
    assert tablet.get("/api/v1/me").status_code == 200
    assert [d["name"] for d in tablet.get("/api/v1/auth/devices").json()["results"]] == ["tablet"]


def test_signing_another_device_out_from_the_list(clinic, patient):
    phone, _ = sign_in(clinic, patient.user.email, "phone")
    tablet, tablet_answer = sign_in(clinic, patient.user.email, "tablet")
    response = phone.delete(f"/api/v1/auth/devices/{tablet_answer['device']}")
    assert response.status_code == 204
    assert tablet.get("/api/v1/me").status_code == 401
    assert phone.get("/api/v1/me").status_code == 200


def test_someone_elses_device_cannot_be_signed_out(clinic, patient, verified_patient):
    mine, _ = sign_in(clinic, patient.user.email)
    _theirs, their_answer = sign_in(clinic, verified_patient.user.email)
    with nothing_changes(DeviceToken.objects.filter(user=verified_patient.user)):
        response = mine.delete(f"/api/v1/auth/devices/{their_answer['device']}")
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"


def test_sign_out_everywhere_here_leaves_the_other_clinics_devices(clinic, other_clinic, patient):
    phone, _ = sign_in(clinic, patient.user.email)
    tablet, _ = sign_in(clinic, patient.user.email)
    riverside, _ = sign_in(other_clinic, patient.user.email)
    assert phone.delete("/api/v1/auth/devices").status_code == 204
    assert phone.get("/api/v1/me").status_code == 401
    assert tablet.get("/api/v1/me").status_code == 401
    assert riverside.get("/api/v1/me").status_code == 200


def test_the_device_list_shows_this_clinics_devices_only(clinic, other_clinic, patient):
    glow, _ = sign_in(clinic, patient.user.email, "glow phone")
    sign_in(other_clinic, patient.user.email, "riverside phone")
    assert [d["name"] for d in glow.get("/api/v1/auth/devices").json()["results"]] == ["glow phone"]


def test_a_token_lapses_when_unused_and_is_renewed_by_use(clinic, patient, settings):
    app, answer = sign_in(clinic, patient.user.email)
    token = DeviceToken.objects.get()
    assert token.expiry > timezone.now() + timedelta(days=29)

    token.expiry = timezone.now() + timedelta(days=1)
    token.save()
    assert app.get("/api/v1/me").status_code == 200
    token.refresh_from_db()
    assert token.expiry > timezone.now() + timedelta(days=29)  # renewed by use
    assert token.last_used_at is not None

    token.expiry = timezone.now() - timedelta(seconds=1)
    token.save()
    response = app.get("/api/v1/me")
    assert response.status_code == 401
    assert response.json()["code"] == "authentication_failed"
    assert not DeviceToken.objects.exists()


def test_the_device_list_needs_sign_in(api):
    response = api.get("/api/v1/auth/devices")
    assert response.status_code == 401
    assert response.json()["code"] == "not_authenticated"
