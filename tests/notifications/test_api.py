"""The in-app notification centre API: the signed-in person's own notifications at this
clinic, never anyone else's and never another clinic's."""

import pytest
from rest_framework.test import APIClient

from branding.services import features_update
from notifications.models import Notification
from notifications.services import Category, notify
from tests.factories.clients import ClientAccountFactory
from tests.fixtures.clinics import host_client

pytestmark = pytest.mark.django_db


def _notify(clinic, user, key, title="Hello"):
    return notify(
        clinic=clinic,
        user=user,
        kind="test",
        category=Category.MESSAGE,
        title=title,
        body="Body",
        idempotency_key=key,
    )


@pytest.fixture
def world(clinic, other_clinic, patient):
    """The patient's two notifications here, one at another clinic, and a stranger's."""
    stranger = ClientAccountFactory(clinic=clinic).user
    ClientAccountFactory(clinic=other_clinic, user=patient.user)
    return {
        "mine": [
            _notify(clinic, patient.user, "mine-1", "First"),
            _notify(clinic, patient.user, "mine-2", "Second"),
        ],
        "mine_elsewhere": _notify(other_clinic, patient.user, "elsewhere", "Riverside news"),
        "stranger": _notify(clinic, stranger, "stranger", "Not yours"),
    }


def _titles(response):
    return [item["title"] for item in response.json()["results"]]


def test_list_shows_only_my_notifications_at_this_clinic(api, patient, world):
    api.force_authenticate(patient.user)
    response = api.get("/api/v1/notifications")
    assert response.status_code == 200
    assert _titles(response) == ["Second", "First"]
    item = response.json()["results"][0]
    assert set(item) == {"id", "kind", "category", "title", "body", "url", "created_at", "read"}
    assert item["read"] is False


def test_the_same_person_at_the_other_clinic_sees_only_that_clinics(other_clinic, patient, world):
    api = host_client(other_clinic, APIClient)
    api.force_authenticate(patient.user)
    assert _titles(api.get("/api/v1/notifications")) == ["Riverside news"]


def test_mark_read_marks_only_my_own(api, patient, world):
    api.force_authenticate(patient.user)
    others = [world["stranger"].pk, world["mine_elsewhere"].pk]
    response = api.post(
        "/api/v1/notifications/read",
        {"ids": [world["mine"][0].pk, *others]},
        format="json",
    )
    assert response.status_code == 200
    assert response.json() == {"marked": 1}
    assert Notification.objects.filter(pk__in=others, read_at__isnull=False).count() == 0
    reads = {
        item["title"]: item["read"] for item in api.get("/api/v1/notifications").json()["results"]
    }
    assert reads == {"First": True, "Second": False}


def test_mark_all_read(api, patient, world):
    api.force_authenticate(patient.user)
    response = api.post("/api/v1/notifications/read", {}, format="json")
    assert response.json() == {"marked": 2}
    assert not Notification.objects.filter(pk=world["stranger"].pk, read_at__isnull=False)
    assert not Notification.objects.filter(pk=world["mine_elsewhere"].pk, read_at__isnull=False)


def test_mark_read_bad_ids_is_a_clear_error(api, patient, world):
    api.force_authenticate(patient.user)
    response = api.post("/api/v1/notifications/read", {"ids": ["x"]}, format="json")
    assert response.status_code == 400
    assert response.json()["field"] == "ids.0"  # the first id at fault


def test_signed_out_is_refused(api, world):
    assert api.get("/api/v1/notifications").status_code in (401, 403)
    assert api.post("/api/v1/notifications/read", {}, format="json").status_code in (401, 403)


def test_feature_off_is_403_with_a_message(api, clinic, patient, world):
    features_update(clinic=clinic, notifications=False)
    api.force_authenticate(patient.user)
    for response in (
        api.get("/api/v1/notifications"),
        api.post("/api/v1/notifications/read", {}, format="json"),
    ):
        assert response.status_code == 403
        assert response.json()["detail"] == "This clinic has turned off 'notifications'."
    assert not Notification.objects.filter(read_at__isnull=False).exists()


def test_session_sign_in_works_for_the_portal(portal, patient, world):
    portal.force_login(patient.user)
    response = portal.get("/api/v1/notifications")
    assert response.status_code == 200
    assert _titles(response) == ["Second", "First"]
