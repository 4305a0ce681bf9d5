import pytest
from django.test import Client

from tests.fixtures.clinics import host_client

pytestmark = pytest.mark.django_db


def test_each_clinic_answers_at_its_own_host(clinic, other_clinic):
    glow = host_client(clinic).get("/api/v1/clinic").json()
    riverside = host_client(other_clinic).get("/api/v1/clinic").json()
    assert (glow["name"], glow["timezone"]) == ("Glow Aesthetics", "Europe/London")
    assert (riverside["name"], riverside["currency"]) == ("Riverside Vets", "USD")


def test_port_in_host_is_ignored(clinic):
    response = Client(HTTP_HOST="glow.localhost:8000").get("/api/v1/clinic")
    assert response.json()["slug"] == "glow"


def test_unknown_host_gets_a_clear_404_page(clinic):
    response = Client(HTTP_HOST="nowhere.localhost").get("/")
    assert response.status_code == 404
    assert b"No clinic at this address" in response.content
    assert b"Glow" not in response.content


def test_unknown_host_api_is_404_not_another_clinic(clinic):
    response = Client(HTTP_HOST="nowhere.localhost").get("/api/v1/clinic")
    assert response.status_code == 404


def test_portal_home_renders_in_clinic_branding(clinic, portal):
    response = portal.get("/")
    assert response.status_code == 200
    assert b"Glow Aesthetics" in response.content
    assert b"--brand-primary: #2f5d8a" in response.content


def test_a_clinic_has_one_main_location(clinic):
    from branding.services import ClinicError, location_upsert

    location_upsert(clinic=clinic, key="main", name="Main", is_main=True)
    with pytest.raises(ClinicError) as refused:
        location_upsert(clinic=clinic, key="soho", name="Soho", is_main=True)
    assert refused.value.field == "is_main"
    assert "already the main location" in refused.value.message
