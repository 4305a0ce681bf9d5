"""Consent to marketing and to photo use: given or withdrawn by the patient (portal and
API) with the time and the exact wording shown, visible to staff; withdrawing takes
effect (no offers; photos out of the slideshow)."""

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from notifications.services import preferences_for
from people.models import Photo
from privacy.models import ConsentRecord
from tests.fixtures.clinics import host_client

pytestmark = pytest.mark.django_db


def _portal(clinic, account):
    browser = host_client(clinic)
    browser.force_login(account.user)
    return browser


def test_the_portal_records_marketing_consent_and_its_withdrawal(clinic, zelda):
    browser = _portal(clinic, zelda)
    page = browser.get(reverse("portal:privacy")).content.decode()
    assert "may send me offers and news by email and text message" in page
    browser.post(reverse("portal:privacy_consent"), {"kind": "marketing", "given": "yes"})
    record = ConsentRecord.objects.get(client=zelda)
    assert (record.kind, record.given, record.source) == ("marketing", True, "portal")
    assert record.wording.startswith(f"I agree that {clinic.name} may send me offers")
    prefs = preferences_for(clinic, zelda.user)
    assert prefs.marketing_email and prefs.marketing_sms

    browser.post(reverse("portal:privacy_consent"), {"kind": "marketing", "given": "no"})
    latest = ConsentRecord.objects.filter(client=zelda).first()
    assert latest.given is False and latest.created_at >= record.created_at
    prefs = preferences_for(clinic, zelda.user)
    assert not prefs.marketing_email and not prefs.marketing_sms
    assert ConsentRecord.objects.filter(client=zelda).count() == 2  # the history stays
    assert "You withdrew this on" in browser.get(reverse("portal:privacy")).content.decode()


def test_withdrawing_photo_use_takes_every_photo_out_of_the_slideshow(clinic, zelda):
    Photo.objects.filter(client=zelda).update(shareable=True, starred=True)
    _portal(clinic, zelda).post(
        reverse("portal:privacy_consent"), {"kind": "photo_use", "given": "no"}
    )
    assert not Photo.objects.filter(client=zelda, shareable=True).exists()
    assert ConsentRecord.objects.get(client=zelda).kind == "photo_use"


def test_a_bad_answer_records_nothing(clinic, zelda):
    browser = _portal(clinic, zelda)
    browser.post(reverse("portal:privacy_consent"), {"kind": "marketing", "given": "maybe"})
    browser.post(reverse("portal:privacy_consent"), {"kind": "newsletter", "given": "yes"})
    assert not ConsentRecord.objects.exists()


def test_the_api_reads_gives_and_withdraws(clinic, zelda):
    api = host_client(clinic, APIClient)
    api.force_authenticate(zelda.user)
    listed = api.get("/api/v1/privacy/consents").json()["results"]
    assert [c["kind"] for c in listed] == ["marketing", "photo_use"]
    assert listed[0]["given"] is None and "offers and news" in listed[0]["wording"]
    answer = api.post("/api/v1/privacy/consents", {"kind": "photo_use", "given": True})
    assert answer.status_code == 200
    assert answer.json()["results"][1]["given"] is True
    assert answer.json()["results"][1]["answered_at"]
    record = ConsentRecord.objects.get(client=zelda)
    assert (record.source, record.wording) == ("api", answer.json()["results"][1]["wording"])
    bad = api.post("/api/v1/privacy/consents", {"kind": "newsletter", "given": True})
    body = bad.json()
    assert bad.status_code == 400 and "kind" in body.get("errors", body)
    assert ConsentRecord.objects.count() == 1


def test_the_wording_is_kept_in_the_language_shown(clinic, zelda):
    api = host_client(clinic, APIClient)
    api.force_authenticate(zelda.user)
    api.post(
        "/api/v1/privacy/consents",
        {"kind": "marketing", "given": True},
        HTTP_ACCEPT_LANGUAGE="bg",
    )
    record = ConsentRecord.objects.get(client=zelda)
    assert record.language == "bg" and record.wording.startswith("Съгласен")


def test_another_clinics_consents_are_not_shown(clinic, other_clinic, zelda):
    from tests.factories.clients import ClientAccountFactory

    ClientAccountFactory(clinic=other_clinic, user=zelda.user)
    _portal(clinic, zelda).post(
        reverse("portal:privacy_consent"), {"kind": "marketing", "given": "yes"}
    )
    api = host_client(other_clinic, APIClient)
    api.force_authenticate(zelda.user)
    assert api.get("/api/v1/privacy/consents").json()["results"][0]["given"] is None


def test_turning_offers_on_or_off_in_the_profile_is_recorded_as_consent(
    clinic, zelda, django_capture_on_commit_callbacks
):
    browser = _portal(clinic, zelda)
    profile = reverse("portal:profile")

    def post(data):
        with django_capture_on_commit_callbacks(execute=True):
            browser.post(profile, {"section": "preferences", **data})

    post({"prefs-marketing_email": "on"})
    record = ConsentRecord.objects.get(client=zelda)
    assert (record.kind, record.given, record.source) == ("marketing", True, "portal")
    assert record.wording == "Offers and news by email: yes; Offers and news by SMS: no"
    # Another switch alone, or offers still on by another channel: no new answer.
    post({"prefs-marketing_email": "on", "prefs-push": "on"})
    post({"prefs-marketing_sms": "on"})
    assert ConsentRecord.objects.filter(client=zelda).count() == 1
    post({})
    latest = ConsentRecord.objects.filter(client=zelda).first()
    assert latest.given is False and ConsentRecord.objects.filter(client=zelda).count() == 2


def test_offers_switched_through_the_app_or_turned_off_everywhere_are_recorded_too(
    clinic, zelda, django_capture_on_commit_callbacks
):
    """Every door that changes the offer switches records consent, not only the portal's
    profile: the app's preferences, "unsubscribe from all"."""
    from rest_framework.test import APIClient

    from tests.fixtures.clinics import host_client

    app = host_client(clinic, APIClient)
    app.force_authenticate(zelda.user)
    with django_capture_on_commit_callbacks(execute=True):
        app.patch("/api/v1/preferences", {"communication": {"marketing_sms": True}}, format="json")
    given = ConsentRecord.objects.get(client=zelda)
    assert (given.given, given.source) == (True, "api")
    assert given.wording == "Offers and news by email: no; Offers and news by SMS: yes"
    with django_capture_on_commit_callbacks(execute=True):
        app.patch(
            "/api/v1/preferences", {"communication": {"unsubscribed_all": True}}, format="json"
        )
    withdrawn = ConsentRecord.objects.filter(client=zelda).first()
    assert (withdrawn.given, withdrawn.source) == (False, "api")
    assert ConsentRecord.objects.filter(client=zelda).count() == 2
