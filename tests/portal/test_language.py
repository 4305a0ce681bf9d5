"""The portal speaks the clinic's default language; a patient may switch."""

import pytest
from django.conf import settings

from tests.fixtures.clinics import host_client

pytestmark = pytest.mark.django_db


def test_a_bulgarian_clinic_shows_its_portal_in_bulgarian(clinic):
    clinic.language = "bg"
    clinic.save()
    body = host_client(clinic).get("/offline/").content.decode()
    assert '<html lang="bg">' in body
    assert "Нямате връзка с интернет" in body
    assert "Опитайте отново" in body


def test_a_browser_asking_for_english_gets_english_at_a_bulgarian_clinic(clinic):
    clinic.language = "bg"
    clinic.save()
    body = host_client(clinic).get("/offline/", HTTP_ACCEPT_LANGUAGE="en-GB,en;q=0.9")
    assert "You are offline" in body.content.decode()


def test_english_by_default(clinic):
    body = host_client(clinic).get("/offline/").content.decode()
    assert '<html lang="en">' in body
    assert "You are offline" in body


def test_a_patient_switches_language(clinic):
    portal = host_client(clinic)
    response = portal.post("/i18n/setlang/", {"language": "bg", "next": "/offline/"})
    assert response.status_code == 302
    assert portal.cookies[settings.LANGUAGE_COOKIE_NAME].value == "bg"
    assert "Нямате връзка с интернет" in portal.get("/offline/").content.decode()

    clinic.language = "bg"
    clinic.save()
    portal.post("/i18n/setlang/", {"language": "en", "next": "/offline/"})
    assert "You are offline" in portal.get("/offline/").content.decode()
