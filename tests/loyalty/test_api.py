"""GET /api/v1/loyalty and /api/v1/loyalty/history: the signed-in client's own only."""

import pytest
from rest_framework.test import APIClient

from branding.services import features_update
from loyalty.services import points_award, points_redeem
from tests.factories.clients import ClientAccountFactory
from tests.fixtures.clinics import host_client

pytestmark = pytest.mark.django_db


def test_balance_and_unit_name(api, clinic, patient, programme):
    points_award(clinic=clinic, client=patient, amount=120, reason="welcome")
    points_redeem(clinic=clinic, client=patient, amount=20, reason="treat")
    api.force_authenticate(patient.user)
    response = api.get("/api/v1/loyalty")
    assert response.status_code == 200
    # No practice connection: nothing to say about freshness (tests/sync/test_freshness.py).
    assert response.json() == {
        "balance": 100,
        "unit": "points",
        "unit_name": "paws",
        "last_synced": None,
    }


def test_history_is_paged_and_newest_first(api, clinic, patient):
    for amount in range(1, 56):
        points_award(clinic=clinic, client=patient, amount=amount, reason=f"#{amount}")
    api.force_authenticate(patient.user)
    body = api.get("/api/v1/loyalty/history").json()
    assert body["count"] == 55
    assert len(body["results"]) == 50
    assert body["results"][0]["amount"] == 55
    assert body["results"][0]["balance_after"] == sum(range(1, 56))
    assert body["next"]
    second = api.get("/api/v1/loyalty/history?page=2").json()
    assert [e["amount"] for e in second["results"]] == [5, 4, 3, 2, 1]


def test_another_clients_or_clinics_entries_never_show(api, clinic, other_clinic, patient):
    neighbour = ClientAccountFactory(clinic=clinic)
    points_award(clinic=clinic, client=neighbour, amount=40, reason="neighbour")
    elsewhere = ClientAccountFactory(clinic=other_clinic, user=patient.user)
    points_award(clinic=other_clinic, client=elsewhere, amount=30, reason="elsewhere")
    points_award(clinic=clinic, client=patient, amount=7, reason="mine")
    api.force_authenticate(patient.user)
    assert api.get("/api/v1/loyalty").json()["balance"] == 7
    assert [e["reason"] for e in api.get("/api/v1/loyalty/history").json()["results"]] == ["mine"]
    other = host_client(other_clinic, APIClient)
    other.force_authenticate(patient.user)
    assert other.get("/api/v1/loyalty").json()["balance"] == 30
    assert [e["reason"] for e in other.get("/api/v1/loyalty/history").json()["results"]] == [
        "elsewhere"
    ]


def test_signed_out_is_refused(api, clinic):
    assert api.get("/api/v1/loyalty").status_code in (401, 403)
    assert api.get("/api/v1/loyalty/history").status_code in (401, 403)


def test_rewards_turned_off_answers_403(api, clinic, patient):
    features_update(clinic=clinic, rewards=False)
    api.force_authenticate(patient.user)
    for url in ("/api/v1/loyalty", "/api/v1/loyalty/history"):
        response = api.get(url)
        assert response.status_code == 403
        assert "rewards" in response.json()["detail"]
