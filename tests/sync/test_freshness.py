"""The patient is told how fresh data that may lag the practice system is (issue 14:
"last updated a few minutes ago" for rewards and pets): the portal's pets and rewards
pages and the API's pets and loyalty answers carry the last successful sync."""

import datetime

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from branding.services import features_update
from sync.models import SyncConnection
from tests.fixtures.clinics import host_client

pytestmark = pytest.mark.django_db


@pytest.fixture
def owner_api(vet, owner):
    features_update(clinic=vet, rewards=True)
    client = host_client(vet, APIClient)
    client.force_authenticate(owner.user)
    return client


def synced(connection, minutes):
    when = timezone.now() - datetime.timedelta(minutes=minutes)
    SyncConnection.objects.filter(pk=connection.pk).update(last_success_at=when)
    return when


def test_api_pets_and_loyalty_answers_carry_the_last_sync(vet, owner_api, practice_connection):
    when = synced(practice_connection, 4)
    for path in ("/api/v1/pets", "/api/v1/loyalty", "/api/v1/loyalty/history"):
        answer = owner_api.get(path)
        assert answer.status_code == 200, path
        assert datetime.datetime.fromisoformat(answer["Last-Synced"]) == when, path
    summary = owner_api.get("/api/v1/loyalty").json()
    assert datetime.datetime.fromisoformat(summary["last_synced"].replace("Z", "+00:00")) == when


def test_without_a_practice_connection_nothing_is_said(vet, owner_api):
    for path in ("/api/v1/pets", "/api/v1/loyalty", "/api/v1/loyalty/history"):
        assert "Last-Synced" not in owner_api.get(path), path
    assert owner_api.get("/api/v1/loyalty").json()["last_synced"] is None


def test_never_synced_or_switched_off_says_nothing(vet, owner_api, practice_connection):
    assert "Last-Synced" not in owner_api.get("/api/v1/pets")
    synced(practice_connection, 4)
    SyncConnection.objects.filter(pk=practice_connection.pk).update(enabled=False)
    assert "Last-Synced" not in owner_api.get("/api/v1/loyalty")


def test_portal_rewards_and_pets_pages_say_when_it_last_synced(
    vet, vet_portal, practice_connection
):
    features_update(clinic=vet, rewards=True)
    assert "data-last-synced" not in vet_portal.get("/rewards/").content.decode()
    synced(practice_connection, 4)
    for path in ("/rewards/", "/pets/"):
        html = vet_portal.get(path).content.decode()
        assert "data-last-synced" in html, path
        assert "Last updated 4\xa0minutes ago" in html, path


def test_a_sync_under_a_minute_ago_says_just_now_and_hours_say_hours(
    vet, vet_portal, practice_connection
):
    synced(practice_connection, 0)
    html = vet_portal.get("/pets/").content.decode()
    assert "Last updated just now" in html and "0\xa0minutes" not in html
    synced(practice_connection, 125)
    assert "Last updated 2\xa0hours ago" in vet_portal.get("/pets/").content.decode()
