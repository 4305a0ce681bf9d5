"""The portal's profile lists the person's apps signed in at this clinic, each with
"Sign out"; signing one out there stops its token at once."""

import pytest
from rest_framework.test import APIClient

from people.models import DeviceToken
from tests.factories.clients import PASSWORD
from tests.fixtures.clinics import host_client
from tests.fixtures.honesty import nothing_changes

pytestmark = pytest.mark.django_db


def app_signed_in(clinic, email, device):
    app = host_client(clinic, APIClient)
    answer = app.post(
        "/api/v1/auth/token",
        {"email": email, "password": PASSWORD, "device": device},
        format="json",
    ).json()
    app.credentials(HTTP_AUTHORIZATION=f"Token {answer['token']}")
    return app, answer["device"]


def test_the_profile_lists_apps_and_signs_one_out(clinic, patient, signed_in):
    phone, phone_id = app_signed_in(clinic, patient.user.email, "Jo's iPhone")
    tablet, _ = app_signed_in(clinic, patient.user.email, "Jo's iPad")
    page = signed_in.get("/account/").content.decode()
    assert "Jo&#x27;s iPhone" in page and "Jo&#x27;s iPad" in page

    response = signed_in.post("/account/", {"section": "devices", "device": phone_id})
    assert response.status_code == 302
    assert phone.get("/api/v1/me").status_code == 401
    assert tablet.get("/api/v1/me").status_code == 200
    assert "Jo&#x27;s iPhone" not in signed_in.get("/account/").content.decode()


def test_someone_elses_device_is_not_signed_out_from_my_profile(
    clinic, verified_patient, signed_in
):
    theirs, their_id = app_signed_in(clinic, verified_patient.user.email, "Their phone")
    with nothing_changes(DeviceToken.objects.filter(user=verified_patient.user)):
        signed_in.post("/account/", {"section": "devices", "device": their_id})
    assert theirs.get("/api/v1/me").status_code == 200
