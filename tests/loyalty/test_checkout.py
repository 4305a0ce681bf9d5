"""A reward voucher at checkout, through the real payments API and the local Stripe
server: the patient's own usable vouchers are offered, the chosen one lowers what is
due, and it is marked used only when the payment succeeds — a decline leaves it ready
(reserved for that booking until it is paid or cancelled: tests/loyalty/
test_voucher_reservation.py)."""

import pytest

from loyalty.models import VoucherStatus
from loyalty.rewards.services import reward_grant
from tests.factories.clients import ClientAccountFactory
from tests.factories.loyalty import RewardFactory
from tests.fixtures.booking import MONDAY, at

# The voucher is paid for through the real payments API, at localstripe.
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("stripe_at_localstripe")]


def checkout(api, hhmm="10:00", voucher=None):
    body = api.post(
        "/api/v1/checkout",
        {"service": "consult", "staff": "emma", "start": at(MONDAY, hhmm).isoformat()},
        format="json",
    ).json()
    if voucher:
        chosen = api.post(
            f"/api/v1/bookings/{body['booking']}/checkout", {"voucher": voucher}, format="json"
        )
        assert chosen.status_code == 200, chosen.json()
        body["quote"] = chosen.json()["quote"]
    return body


def pay(api, body, method):
    return api.post(
        f"/api/v1/payments/{body['payment']['id']}/confirm",
        {"payment_method": method},
        format="json",
    )


def test_a_reward_voucher_is_offered_applied_and_used_only_when_paid(
    clinic,
    patient,
    full_policy,  # noqa: F811  (the fixture imported above)
    emma,
    patient_api,
    django_capture_on_commit_callbacks,
):
    reward = RewardFactory(clinic=clinic, name="£10 off", cost=100, amount_off=1000)
    voucher = reward_grant(clinic=clinic, client=patient, reward_id=reward.pk, actor=None)
    someone = ClientAccountFactory(clinic=clinic)
    reward_grant(clinic=clinic, client=someone, reward_id=reward.pk, actor=None)
    ref = f"loyalty:{voucher.code}"

    body = checkout(patient_api)
    assert [v["ref"] for v in body["vouchers"]] == [ref]  # only the patient's own
    chosen = patient_api.post(
        f"/api/v1/bookings/{body['booking']}/checkout", {"voucher": ref}, format="json"
    )
    body["quote"] = chosen.json()["quote"]
    assert (body["quote"]["discount"], body["quote"]["due_now"]) == (1000, 3500)
    pay(patient_api, body, "decline")
    voucher.refresh_from_db()
    assert voucher.status == VoucherStatus.ISSUED

    # localstripe will not confirm an intent again after a failed charge: a fresh booking,
    # once the first is cancelled (until then the voucher stays reserved for it).
    with django_capture_on_commit_callbacks(execute=True):
        patient_api.post(f"/api/v1/bookings/{body['booking']}/cancel", {}, format="json")
    body = checkout(patient_api, "11:00", voucher=ref)
    with django_capture_on_commit_callbacks(execute=True):
        paid = pay(patient_api, body, "success")
    assert paid.json()["amount_captured"] == 3500
    voucher.refresh_from_db()
    assert voucher.status == VoucherStatus.USED
    assert voucher.used_for == f"payment-{body['payment']['id']}"
    # Used: no longer offered, and refused if named.
    body = checkout(patient_api, "12:00")
    assert body["vouchers"] == []
    refused = patient_api.post(
        f"/api/v1/bookings/{body['booking']}/checkout", {"voucher": ref}, format="json"
    )
    assert refused.status_code == 400 and refused.json()["field"] == "voucher"


def test_another_patients_voucher_is_refused(
    clinic,
    patient,
    full_policy,  # noqa: F811  (the fixture imported above)
    emma,
    patient_api,
):
    reward = RewardFactory(clinic=clinic, cost=100, amount_off=1000)
    theirs = reward_grant(
        clinic=clinic, client=ClientAccountFactory(clinic=clinic), reward_id=reward.pk, actor=None
    )
    body = checkout(patient_api)
    refused = patient_api.post(
        f"/api/v1/bookings/{body['booking']}/checkout",
        {"voucher": f"loyalty:{theirs.code}"},
        format="json",
    )
    assert refused.status_code == 400 and refused.json()["field"] == "voucher"
