"""GET /api/v1/clinic: the app's boot call, answered for the clinic of the Host header;
and the two ways in (session for the portal, token for apps)."""

import pytest
from django.test import Client
from rest_framework.test import APIClient
from wagtail.images.models import Image
from wagtail.images.tests.utils import get_test_image_file

from branding.services import branding_update, features_update
from tests.factories.clients import PASSWORD
from tests.fixtures.clinics import host_client

pytestmark = pytest.mark.django_db

FIELDS = {
    "name",
    "slug",
    "domain",
    "timezone",
    "currency",
    "language",
    "app_name",
    "logo_url",
    "favicon_url",
    "primary_color",
    "on_primary_color",
    "accent_color",
    "on_accent_color",
    "font",
    "font_family",
    "icons",
    "features",
}


def test_clinic_boot_describes_the_hosts_clinic(api, clinic):
    features_update(clinic=clinic, games=True, pets=False)
    branding_update(clinic=clinic, primary_color="#123456", accent_color="#fedcba")
    response = api.get("/api/v1/clinic")
    assert response.status_code == 200
    data = response.json()
    assert set(data) == FIELDS
    assert data["name"] == "Glow Aesthetics"
    assert data["slug"] == "glow"
    assert data["domain"] == "glow.localhost"
    assert data["timezone"] == "Europe/London"
    assert data["currency"] == "GBP"
    assert data["app_name"] == "Glow Aesthetics"  # falls back to the clinic's name
    assert (data["primary_color"], data["accent_color"]) == ("#123456", "#fedcba")
    assert data["logo_url"] is None
    assert data["features"]["games"] is True
    assert data["features"]["pets"] is False
    assert data["features"]["online_booking"] is True


def test_clinic_boot_gives_an_absolute_logo_url(api, clinic):
    logo = Image.objects.create(title="Logo", file=get_test_image_file())
    branding_update(clinic=clinic, logo=logo)
    data = api.get("/api/v1/clinic").json()
    assert data["logo_url"].startswith("http://glow.localhost/")
    assert data["logo_url"].endswith(".png")


def test_clinic_boot_needs_no_sign_in_and_is_per_host(clinic, other_clinic):
    data = host_client(other_clinic, APIClient).get("/api/v1/clinic").json()
    assert (data["name"], data["timezone"], data["currency"]) == (
        "Riverside Vets",
        "America/New_York",
        "USD",
    )


def test_unknown_host_is_404(clinic):
    response = APIClient(HTTP_HOST="nowhere.example.com").get("/api/v1/clinic")
    assert response.status_code == 404
    assert b"Glow" not in response.content


def test_session_auth_works_for_the_portal(clinic, patient):
    portal = Client(HTTP_HOST="glow.localhost", enforce_csrf_checks=True)
    assert portal.get("/api/v1/me").status_code == 401  # not signed in yet
    assert portal.login(email=patient.user.email, password=PASSWORD)
    response = portal.get("/api/v1/me")
    assert response.status_code == 200
    assert response.json()["email"] == patient.user.email


def test_token_auth_works_for_apps(clinic, patient):
    app = APIClient(HTTP_HOST="glow.localhost")
    response = app.post(
        "/api/v1/auth/token",
        {"email": patient.user.email, "password": PASSWORD},
        format="json",
    )
    assert response.status_code == 200
    token = response.json()["token"]

    app = APIClient(HTTP_HOST="glow.localhost")
    assert app.get("/api/v1/me").status_code in (401, 403)  # no credentials yet
    app.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    response = app.get("/api/v1/me")
    assert response.status_code == 200
    assert response.json()["email"] == patient.user.email
