"""The rewards and referrals API: tier, catalogue, redeem, vouchers, requests, referral
code and results — the signed-in client's own only, behind their feature toggles."""

import pytest

from branding.services import features_update
from loyalty.models import LedgerEntry, Referral, RewardRequest, Voucher
from loyalty.referrals.services import referral_code_ensure
from loyalty.rewards.services import reward_grant
from loyalty.services import points_award
from tests.factories.clients import ClientAccountFactory
from tests.factories.loyalty import RewardFactory, TierFactory
from tests.fixtures.clinics import host_client
from tests.fixtures.honesty import nothing_changes

pytestmark = pytest.mark.django_db


@pytest.fixture
def reward(clinic, programme):
    return RewardFactory(clinic=clinic, name="£5 off", cost=100, amount_off=500)


@pytest.fixture
def patient_api(api, patient):
    """The shared ``patient_api``, but the very client ``api`` is: tests here check both
    faces of one client."""
    api.force_authenticate(patient.user)
    return api


def test_tier_and_progress(patient_api, clinic, patient, programme):
    TierFactory(clinic=clinic, name="Silver", threshold=0)
    TierFactory(clinic=clinic, name="Gold", threshold=200, benefits="Free tea")
    points_award(clinic=clinic, client=patient, amount=50, reason="visit")
    body = patient_api.get("/api/v1/loyalty/tier").json()
    assert body["tier"]["name"] == "Silver"
    assert body["next_tier"] == {"name": "Gold", "threshold": 200, "benefits": "Free tea"}
    assert (body["earned"], body["to_next"], body["progress"]) == (50, 150, 25)


def test_catalogue_redeem_and_vouchers(patient_api, clinic, other_clinic, patient, reward):
    RewardFactory(clinic=other_clinic, name="Theirs")
    points_award(clinic=clinic, client=patient, amount=130, reason="visit")
    names = [r["name"] for r in patient_api.get("/api/v1/loyalty/rewards").json()["results"]]
    assert names == ["£5 off"]
    response = patient_api.post(f"/api/v1/loyalty/rewards/{reward.pk}/redeem")
    assert response.status_code == 201, response.json()
    code = response.json()["code"]
    assert patient_api.get("/api/v1/loyalty").json()["balance"] == 30
    vouchers = patient_api.get("/api/v1/loyalty/vouchers").json()["results"]
    assert [(v["code"], v["status"]) for v in vouchers] == [(code, "issued")]
    again = patient_api.post(f"/api/v1/loyalty/rewards/{reward.pk}/redeem")
    assert again.status_code == 409
    assert again.json()["field"] == "amount"
    assert Voucher.objects.count() == 1


def test_another_clinics_reward_is_not_found(patient_api, clinic, other_clinic, patient, reward):
    theirs = RewardFactory(clinic=other_clinic)
    points_award(clinic=clinic, client=patient, amount=500, reason="visit")
    with nothing_changes(Voucher, LedgerEntry):
        response = patient_api.post(f"/api/v1/loyalty/rewards/{theirs.pk}/redeem")
    assert response.status_code == 404
    assert response.json()["field"] == "reward"


def test_vouchers_of_another_client_never_show(patient_api, clinic, patient, reward):
    someone = ClientAccountFactory(clinic=clinic)
    reward_grant(clinic=clinic, client=someone, reward_id=reward.pk, actor=None)
    assert patient_api.get("/api/v1/loyalty/vouchers").json()["results"] == []


def test_request_a_reward(patient_api, clinic, patient, reward):
    with nothing_changes(RewardRequest, Voucher, LedgerEntry):
        refused = patient_api.post("/api/v1/loyalty/requests", {"reward": reward.pk}, format="json")
    assert refused.status_code == 409 and refused.json()["field"] == "reward"
    points_award(clinic=clinic, client=patient, amount=100, reason="visit")
    made = patient_api.post(
        "/api/v1/loyalty/requests", {"reward": reward.pk, "note": "birthday"}, format="json"
    )
    assert made.status_code == 201
    assert made.json()["status"] == "pending"
    listed = patient_api.get("/api/v1/loyalty/requests").json()["results"]
    assert [(r["reward_name"], r["note"]) for r in listed] == [("£5 off", "birthday")]
    missing = patient_api.post("/api/v1/loyalty/requests", {"note": "x"}, format="json")
    assert missing.status_code == 400 and "reward" in missing.json()["errors"]


def test_referral_code_share_link_and_who_joined(patient_api, api, clinic, patient, programme):
    friend = ClientAccountFactory(clinic=clinic)
    code = referral_code_ensure(clinic=clinic, client=patient)
    Referral.objects.create(clinic=clinic, referrer=patient, referred=friend)
    body = patient_api.get("/api/v1/loyalty/referrals").json()
    assert body["code"] == code.code
    assert body["share_url"] == f"http://glow.localhost/r/{code.code}/"
    assert [(j["first_name"], j["rewarded"]) for j in body["joined"]] == [
        (friend.user.first_name, False)
    ]


def test_toggles_off_answer_403_and_anonymous_401(api, clinic, patient, reward):
    assert api.get("/api/v1/loyalty/rewards").status_code in (401, 403)
    api.force_authenticate(patient.user)
    features_update(clinic=clinic, rewards=False, referrals=False)
    assert api.get("/api/v1/loyalty/rewards").status_code == 403
    assert api.get("/api/v1/loyalty/referrals").status_code == 403


def test_another_clinics_domain_shows_that_clinics_data_only(clinic, other_clinic, patient, reward):
    elsewhere = ClientAccountFactory(clinic=other_clinic, user=patient.user)
    points_award(clinic=clinic, client=patient, amount=100, reason="here")
    reward_grant(clinic=clinic, client=patient, reward_id=reward.pk, actor=None)
    from rest_framework.test import APIClient

    there = host_client(other_clinic, APIClient)
    there.force_authenticate(elsewhere.user)
    assert there.get("/api/v1/loyalty/vouchers").json()["results"] == []
    assert there.get("/api/v1/loyalty/rewards").json()["results"] == []
