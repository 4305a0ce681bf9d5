"""GET/PATCH /api/v1/preferences: the portal profile's communication and booking
preferences for apps. Reading writes nothing; a bad value names its field and saves
nothing; another clinic's staff or service is refused."""

import pytest

from booking_api.models import BookingPreferences
from notifications.models import Preferences
from tests.factories.booking import ServiceFactory, StaffFactory
from tests.fixtures.honesty import nothing_changes

pytestmark = pytest.mark.django_db


def test_reading_gives_the_defaults_and_writes_nothing(patient_api):
    with nothing_changes(Preferences.objects.all()):
        response = patient_api.get("/api/v1/preferences")
    assert response.status_code == 200
    body = response.json()
    assert body["communication"]["booking_email"] is True
    assert body["communication"]["marketing_email"] is False
    assert body["booking"] == {"location": None, "staff": None, "services": []}


def test_patch_changes_what_is_sent(patient_api, patient, clinic, service, emma):
    response = patient_api.patch(
        "/api/v1/preferences",
        {
            "communication": {"marketing_email": True, "reminder_sms": False},
            "booking": {"staff": emma.pk, "services": [service.pk]},
        },
        format="json",
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["communication"]["marketing_email"] is True
    assert body["communication"]["reminder_sms"] is False
    assert body["communication"]["booking_email"] is True
    assert body["booking"] == {"location": None, "staff": emma.pk, "services": [service.pk]}
    prefs = Preferences.objects.get(clinic=clinic, user=patient.user)
    assert (prefs.marketing_email, prefs.reminder_sms) == (True, False)

    # Only communication sent: the booking preferences stay.
    again = patient_api.patch(
        "/api/v1/preferences", {"communication": {"push": False}}, format="json"
    )
    assert again.json()["booking"]["staff"] == emma.pk


def test_another_clinics_staff_is_refused_naming_the_field(
    patient_api, other_clinic, service, emma
):
    theirs = StaffFactory(clinic=other_clinic, key="zed", display_name="Zed")
    with (
        nothing_changes(Preferences.objects.all()),
        nothing_changes(BookingPreferences.objects.all()),
    ):
        response = patient_api.patch(
            "/api/v1/preferences",
            {"communication": {"marketing_email": True}, "booking": {"staff": theirs.pk}},
            format="json",
        )
    assert response.status_code == 400
    assert "booking.staff" in response.json()["errors"]


def test_a_non_boolean_switch_is_named(patient_api):
    response = patient_api.patch(
        "/api/v1/preferences", {"communication": {"push": "maybe"}}, format="json"
    )
    assert response.status_code == 400
    assert "communication.push" in response.json()["errors"]


def test_an_inactive_service_cannot_be_a_favourite(patient_api, clinic):
    gone = ServiceFactory(clinic=clinic, key="gone", name="Gone", active=False)
    response = patient_api.patch(
        "/api/v1/preferences", {"booking": {"services": [gone.pk]}}, format="json"
    )
    assert response.status_code == 400
    assert response.json()["field"].startswith("booking.services")


def test_unsubscribe_from_all_through_the_api_keeps_and_restores_the_choices(
    patient_api, patient, clinic
):
    patient_api.patch(
        "/api/v1/preferences", {"communication": {"marketing_email": True}}, format="json"
    )
    response = patient_api.patch(
        "/api/v1/preferences", {"communication": {"unsubscribed_all": True}}, format="json"
    )
    assert response.status_code == 200, response.content
    body = response.json()["communication"]
    assert body["unsubscribed_all"] is True and body["marketing_email"] is True
    assert not Preferences.objects.get(clinic=clinic, user=patient.user).wants("marketing_email")
    back = patient_api.patch(
        "/api/v1/preferences", {"communication": {"unsubscribed_all": False}}, format="json"
    )
    assert back.json()["communication"]["marketing_email"] is True
    assert Preferences.objects.get(clinic=clinic, user=patient.user).wants("marketing_email")


def test_a_bad_unsubscribe_all_value_is_named_and_nothing_is_saved(patient_api):
    with nothing_changes(Preferences.objects.all()):
        response = patient_api.patch(
            "/api/v1/preferences",
            {"communication": {"unsubscribed_all": "maybe", "push": False}},
            format="json",
        )
    assert response.status_code == 400
    assert response.json()["field"] == "communication.unsubscribed_all"


def test_patch_sets_the_language_messages_are_written_in(patient_api, patient, clinic):
    assert patient_api.get("/api/v1/preferences").json()["language"] == ""
    response = patient_api.patch("/api/v1/preferences", {"language": "bg"}, format="json")
    assert response.status_code == 200, response.content
    assert response.json()["language"] == "bg"
    assert response.json()["languages"] == ["en", "bg"]
    assert Preferences.objects.get(clinic=clinic, user=patient.user).language == "bg"
    # null, like "", goes back to the clinic's language (the trial got "'none' is not a
    # language offered here").
    response = patient_api.patch("/api/v1/preferences", {"language": None}, format="json")
    assert response.status_code == 200, response.content
    assert Preferences.objects.get(clinic=clinic, user=patient.user).language == ""


def test_a_language_the_clinic_does_not_offer_is_refused_naming_the_field(
    patient_api, patient, clinic
):
    patient_api.patch("/api/v1/preferences", {"language": "bg"}, format="json")
    with nothing_changes(Preferences.objects.all()):
        response = patient_api.patch(
            "/api/v1/preferences",
            {"language": "klingon", "communication": {"marketing_email": True}},
            format="json",
        )
    assert response.status_code == 400
    body = response.json()
    assert (body["code"], body["field"]) == ("language_not_offered", "language")
    assert "klingon" in body["detail"]
