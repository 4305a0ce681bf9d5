"""What a device may keep: personal pages and API answers are sent ``Cache-Control:
private, no-store``; public ones are left to their views; signing out through any door
answers ``Clear-Site-Data``; the service worker keeps only the app shell and the offline
page (the browser test in tests/browser/test_private_data_offline.py drives it)."""

import re

import pytest

from records.medical.services import medical_history_update
from tests.fixtures.clinics import admin_client_for, host_client

pytestmark = pytest.mark.django_db

PERSONAL_PAGES = (
    "/",  # the dashboard, signed in
    "/bookings/",
    "/medical-history/",
    "/documents/",
    "/messages/",
    "/account/",
    "/notifications/",
)


def no_store(response):
    directives = {d.strip() for d in response.get("Cache-Control", "").split(",")}
    return {"private", "no-store"} <= directives


@pytest.mark.parametrize("path", PERSONAL_PAGES)
def test_personal_pages_are_private_and_never_stored(clinic, patient, signed_in, path):
    medical_history_update(clinic=clinic, client=patient, author=patient.user, allergies="Nuts")
    response = signed_in.get(path)
    assert response.status_code == 200, path
    assert no_store(response), (path, response.get("Cache-Control"))


def test_the_api_answers_for_a_person_are_not_stored(patient_api):
    response = patient_api.get("/api/v1/bookings")
    assert response.status_code == 200
    assert no_store(response)


def test_public_files_keep_their_own_caching(clinic, signed_in):
    manifest = signed_in.get("/manifest.webmanifest")
    assert "public" in manifest["Cache-Control"] and "no-store" not in manifest["Cache-Control"]
    assert signed_in.get("/sw.js")["Cache-Control"] == "no-cache"


def test_signing_out_of_the_portal_clears_the_device(clinic, signed_in):
    response = signed_in.post("/accounts/logout/")
    assert response.status_code == 302
    assert response["Clear-Site-Data"] == '"cache", "storage"'
    assert no_store(response)


def test_signing_out_of_the_admin_clears_the_device(clinic, manager):
    admin = admin_client_for(manager, clinic)
    response = admin.post("/admin/logout/")
    assert response.status_code == 302
    assert response["Clear-Site-Data"] == '"cache", "storage"'


def test_a_page_that_signs_nobody_out_clears_nothing(clinic, signed_in):
    assert not signed_in.get("/bookings/").has_header("Clear-Site-Data")
    assert not host_client(clinic).get("/offline/").has_header("Clear-Site-Data")


def test_the_service_worker_stores_no_page(clinic):
    body = host_client(clinic).get("/sw.js").content.decode()
    assert "cache.put" not in body and ".put(" not in body
    shell = re.search(r"const SHELL = \[(.*?)\];", body, re.S).group(1)
    assert "OFFLINE_URL" in shell and "medical" not in shell
    # A new cache name, so the old worker's caches (which held pages) are deleted.
    assert "portal-glow-v2" in body and "portal-glow-v1" not in body
