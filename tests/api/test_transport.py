"""What an app sees of the transport: gzip on the API's reads (never on pages or
writes: BREACH), CORS for the configured web app origins only, and writes limited per
real client address and per person (429 with Retry-After and a code)."""

import gzip
import json

import pytest
from rest_framework.test import APIClient

from people.models import ClientAccount
from tests.factories.clients import PASSWORD
from tests.fixtures.clinics import host_client
from tests.fixtures.honesty import nothing_changes

pytestmark = pytest.mark.django_db

GZIP = {"HTTP_ACCEPT_ENCODING": "gzip"}
APP_ORIGIN = "https://app.glow.example"


def test_api_reads_are_gzipped_writes_and_pages_never(api, clinic, patient):
    response = api.get("/api/v1/clinic", **GZIP)
    assert response["Content-Encoding"] == "gzip"
    assert json.loads(gzip.decompress(response.content))["name"] == clinic.name
    tag = response["ETag"]
    assert tag.startswith("W/")  # gzip weakens the tag; asking with it still matches
    again = api.get("/api/v1/clinic", HTTP_IF_NONE_MATCH=tag, **GZIP)
    assert again.status_code == 304

    # Never the answers that hold a secret: writes (tokens, client secrets), pages (CSRF).
    signed_in = api.post(
        "/api/v1/auth/token",
        {"email": patient.user.email, "password": PASSWORD},
        format="json",
        **GZIP,
    )
    assert signed_in.status_code == 200
    assert not signed_in.has_header("Content-Encoding")  # it holds a token
    page = host_client(clinic).get("/accounts/login/", **GZIP)
    assert page.status_code == 200
    assert not page.has_header("Content-Encoding")  # it holds a CSRF token


def test_cors_answers_the_configured_app_origin_only(api, settings):
    settings.CORS_ALLOWED_ORIGINS = [APP_ORIGIN]
    preflight = api.options(
        "/api/v1/bookings",
        HTTP_ORIGIN=APP_ORIGIN,
        HTTP_ACCESS_CONTROL_REQUEST_METHOD="POST",
        HTTP_ACCESS_CONTROL_REQUEST_HEADERS="authorization, content-type, idempotency-key",
    )
    assert preflight.status_code == 200
    assert preflight["Access-Control-Allow-Origin"] == APP_ORIGIN
    assert "idempotency-key" in preflight["Access-Control-Allow-Headers"]
    assert not preflight.has_header("Access-Control-Allow-Credentials")

    read = api.get("/api/v1/clinic", HTTP_ORIGIN=APP_ORIGIN)
    assert read["Access-Control-Allow-Origin"] == APP_ORIGIN
    assert "ETag" in read["Access-Control-Expose-Headers"]

    stranger = api.get("/api/v1/clinic", HTTP_ORIGIN="https://evil.example")
    assert not stranger.has_header("Access-Control-Allow-Origin")
    page = host_client(api_clinic_of(api)).get("/", HTTP_ORIGIN=APP_ORIGIN)
    assert not page.has_header("Access-Control-Allow-Origin")  # the portal is not shared


def test_a_clinic_lists_its_own_web_apps_and_only_its_api_answers_them(clinic, other_clinic):
    """Issue 13: CORS configurable per clinic for web apps (Settings → Web apps)."""
    from django.core.exceptions import ValidationError

    from branding.models import WebAppSettings

    glow_app = "https://book.glow.example"
    settings_row = WebAppSettings.for_site(clinic.site)
    settings_row.origins = f"{glow_app}/\n"
    settings_row.full_clean()
    settings_row.save()
    glow, other = host_client(clinic, APIClient), host_client(other_clinic, APIClient)

    preflight = glow.options(
        "/api/v1/bookings", HTTP_ORIGIN=glow_app, HTTP_ACCESS_CONTROL_REQUEST_METHOD="POST"
    )
    assert preflight["Access-Control-Allow-Origin"] == glow_app
    assert glow.get("/api/v1/clinic", HTTP_ORIGIN=glow_app)["Access-Control-Allow-Origin"] == (
        glow_app
    )
    # Another clinic's API, the portal's pages and other origins are not shared with it.
    assert not other.get("/api/v1/clinic", HTTP_ORIGIN=glow_app).has_header(
        "Access-Control-Allow-Origin"
    )
    assert (
        not host_client(clinic)
        .get("/", HTTP_ORIGIN=glow_app)
        .has_header("Access-Control-Allow-Origin")
    )
    assert not glow.get("/api/v1/clinic", HTTP_ORIGIN="https://evil.example").has_header(
        "Access-Control-Allow-Origin"
    )
    settings_row.origins = "book.glow.example/path"
    try:
        settings_row.full_clean()
        raise AssertionError("a line that is not an origin was accepted")
    except ValidationError as refused:
        assert "origins" in refused.message_dict


def api_clinic_of(api):
    from branding.models import Clinic

    return Clinic.objects.get(site__hostname=api.defaults["HTTP_HOST"])


def test_a_persons_writes_are_limited_with_retry_after(patient_api, patient, settings):
    settings.API_WRITE_RATES = {"address": "100/min", "person": "3/min"}
    for n in range(3):
        phone = f"07700 90010{n}"
        assert patient_api.patch("/api/v1/me", {"phone": phone}, format="json").status_code == 200
    with nothing_changes(ClientAccount.objects.filter(pk=patient.pk)):
        refused = patient_api.patch("/api/v1/me", {"phone": "07700 900999"}, format="json")
    assert refused.status_code == 429
    assert refused.json()["code"] == "throttled"
    assert int(refused["Retry-After"]) > 0
    assert patient_api.get("/api/v1/me").status_code == 200  # reads are not limited


def test_writes_from_one_address_are_limited_whatever_x_forwarded_for_says(
    clinic, patient, verified_patient, settings
):
    settings.API_WRITE_RATES = {"address": "2/min", "person": "100/min"}
    settings.TRUSTED_PROXY_COUNT = 0
    one = host_client(clinic, APIClient)
    one.force_authenticate(patient.user)
    for n in range(2):
        assert one.patch("/api/v1/me", {"first_name": f"A{n}"}, format="json").status_code == 200
    other = host_client(clinic, APIClient)
    other.force_authenticate(verified_patient.user)
    refused = other.patch(
        "/api/v1/me",
        {"first_name": "B"},
        format="json",
        HTTP_X_FORWARDED_FOR="203.0.113.9",
    )
    assert refused.status_code == 429
    assert refused.json()["code"] == "throttled"
