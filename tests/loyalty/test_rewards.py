"""Rewards: redeeming points for vouchers, requests and their decisions, the checkout's
quote and use of a voucher."""

import datetime

import pytest
from django.utils import timezone

from loyalty.errors import LoyaltyError
from loyalty.models import (
    LedgerEntry,
    RequestStatus,
    RewardKind,
    RewardRequest,
    Voucher,
    VoucherStatus,
)
from loyalty.rewards.selectors import client_vouchers, pending_requests, reward_catalogue
from loyalty.rewards.services import (
    reward_grant,
    reward_redeem,
    reward_request_approve,
    reward_request_create,
    reward_request_decline,
    voucher_mark_used,
    voucher_quote,
    vouchers_expire,
)
from loyalty.selectors import balance
from loyalty.services import points_award
from notifications.models import Notification
from tests.factories.booking import ServiceFactory
from tests.factories.clients import ClientAccountFactory
from tests.factories.loyalty import RewardFactory
from tests.fixtures.honesty import nothing_changes

pytestmark = pytest.mark.django_db


@pytest.fixture
def reward(clinic, programme):
    return RewardFactory(clinic=clinic, name="£5 off", cost=100, amount_off=500)


def give(clinic, client, amount):
    points_award(clinic=clinic, client=client, amount=amount, reason="test")


def test_redeeming_spends_the_cost_and_issues_a_voucher_with_the_rewards_terms(
    clinic, patient, reward
):
    give(clinic, patient, 150)
    voucher = reward_redeem(clinic=clinic, client=patient, reward_id=reward.pk)
    assert balance(clinic, patient) == 50
    assert (voucher.name, voucher.kind, voucher.amount_off) == ("£5 off", "amount_off", 500)
    assert voucher.status == VoucherStatus.ISSUED and len(voucher.code) == 10
    assert voucher.entry.amount == -100
    # A later catalogue edit does not change the voucher already issued.
    reward.amount_off = 100
    reward.save()
    voucher.refresh_from_db()
    assert voucher.amount_off == 500


def test_redeeming_without_enough_points_writes_nothing(clinic, patient, reward):
    give(clinic, patient, 99)
    with pytest.raises(LoyaltyError) as caught:
        reward_redeem(clinic=clinic, client=patient, reward_id=reward.pk)
    assert caught.value.field == "amount" and caught.value.status == 409
    assert "Not enough paws" in caught.value.message
    assert not Voucher.objects.exists()
    assert balance(clinic, patient) == 99


def test_a_reward_of_another_clinic_or_out_of_dates_cannot_be_redeemed(
    clinic, other_clinic, patient, reward
):
    give(clinic, patient, 500)
    theirs = RewardFactory(clinic=other_clinic)
    with nothing_changes(Voucher, LedgerEntry), pytest.raises(LoyaltyError) as caught:
        reward_redeem(clinic=clinic, client=patient, reward_id=theirs.pk)
    assert (caught.value.field, caught.value.status) == ("reward", 404)
    today = timezone.localdate()
    reward.ends_on = today - datetime.timedelta(days=1)
    reward.save()
    with nothing_changes(Voucher, LedgerEntry), pytest.raises(LoyaltyError) as caught:
        reward_redeem(clinic=clinic, client=patient, reward_id=reward.pk)
    assert caught.value.field == "reward"
    assert reward not in reward_catalogue(clinic)
    assert balance(clinic, patient) == 500


def test_the_catalogue_lists_only_active_rewards_in_their_dates(clinic, programme):
    today = timezone.localdate()
    shown = RewardFactory(clinic=clinic, cost=50)
    RewardFactory(clinic=clinic, active=False)
    RewardFactory(clinic=clinic, starts_on=today + datetime.timedelta(days=2))
    assert list(reward_catalogue(clinic)) == [shown]


def test_a_request_is_approved_once_points_deducted_voucher_issued_patient_told(
    clinic, patient, reward, staff_user
):
    give(clinic, patient, 120)
    request = reward_request_create(clinic=clinic, client=patient, reward_id=reward.pk, note="hi")
    assert list(pending_requests(clinic)) == [request]
    approved = reward_request_approve(clinic=clinic, request_id=request.pk, actor=staff_user)
    assert approved.status == RequestStatus.APPROVED and approved.voucher is not None
    assert balance(clinic, patient) == 20
    note = Notification.objects.get(user=patient.user)
    assert approved.voucher.code in note.body
    with pytest.raises(LoyaltyError) as caught:
        reward_request_approve(clinic=clinic, request_id=request.pk, actor=staff_user)
    assert caught.value.status == 409
    assert balance(clinic, patient) == 20
    assert list(pending_requests(clinic)) == []


def test_approving_when_the_points_are_gone_leaves_the_request_pending(
    clinic, patient, reward, staff_user
):
    give(clinic, patient, 100)
    request = reward_request_create(clinic=clinic, client=patient, reward_id=reward.pk)
    reward_redeem(clinic=clinic, client=patient, reward_id=reward.pk)
    with pytest.raises(LoyaltyError) as caught:
        reward_request_approve(clinic=clinic, request_id=request.pk, actor=staff_user)
    assert caught.value.field == "amount"
    request.refresh_from_db()
    assert request.status == RequestStatus.PENDING and request.voucher is None


def test_a_decline_needs_a_reason_and_tells_the_patient(clinic, patient, reward, staff_user):
    give(clinic, patient, 100)
    request = reward_request_create(clinic=clinic, client=patient, reward_id=reward.pk)
    with pytest.raises(LoyaltyError) as caught:
        reward_request_decline(clinic=clinic, request_id=request.pk, actor=staff_user, reason=" ")
    assert caught.value.field == "reason"
    reward_request_decline(
        clinic=clinic, request_id=request.pk, actor=staff_user, reason="Out of stock this week"
    )
    request.refresh_from_db()
    assert request.status == RequestStatus.DECLINED
    assert Notification.objects.get(user=patient.user).body == "Out of stock this week"
    assert balance(clinic, patient) == 100


def test_requests_need_enough_points_and_one_pending_per_reward(clinic, patient, reward):
    give(clinic, patient, 50)
    with pytest.raises(LoyaltyError) as caught:
        reward_request_create(clinic=clinic, client=patient, reward_id=reward.pk)
    assert caught.value.field == "reward" and "need 100 paws" in caught.value.message
    give(clinic, patient, 50)
    reward_request_create(clinic=clinic, client=patient, reward_id=reward.pk)
    with pytest.raises(LoyaltyError) as caught:
        reward_request_create(clinic=clinic, client=patient, reward_id=reward.pk)
    assert caught.value.status == 409


def test_staff_cannot_decide_another_clinics_request(clinic, other_clinic, reward, staff_user):
    theirs = ClientAccountFactory(clinic=other_clinic)
    their_reward = RewardFactory(clinic=other_clinic)
    give(other_clinic, theirs, 200)
    request = reward_request_create(clinic=other_clinic, client=theirs, reward_id=their_reward.pk)
    with (
        nothing_changes(RewardRequest, Voucher, LedgerEntry),
        pytest.raises(LoyaltyError) as caught,
    ):
        reward_request_approve(clinic=clinic, request_id=request.pk, actor=staff_user)
    assert caught.value.status == 404


def test_a_manual_reward_is_a_gift_unless_points_are_charged(clinic, patient, reward, staff_user):
    gift = reward_grant(clinic=clinic, client=patient, reward_id=reward.pk, actor=staff_user)
    assert gift.entry is None and gift.issued_by == staff_user
    assert balance(clinic, patient) == 0
    with pytest.raises(LoyaltyError):
        reward_grant(
            clinic=clinic, client=patient, reward_id=reward.pk, actor=staff_user, charge_points=True
        )
    assert Voucher.objects.count() == 1


def test_a_voucher_quotes_without_writing_and_is_used_once(clinic, patient, reward):
    service = ServiceFactory(clinic=clinic, price=3000)
    voucher = reward_grant(clinic=clinic, client=patient, reward_id=reward.pk, actor=None)
    quoted, discount = voucher_quote(
        clinic=clinic, client=patient, code=voucher.code.lower(), service_id=service.pk, amount=3000
    )
    assert (quoted, discount) == (voucher, 500)
    voucher.refresh_from_db()
    assert voucher.status == VoucherStatus.ISSUED
    voucher_mark_used(clinic=clinic, client=patient, code=voucher.code, used_for="payment-1")
    voucher_mark_used(clinic=clinic, client=patient, code=voucher.code, used_for="payment-1")
    with pytest.raises(LoyaltyError) as caught:
        voucher_mark_used(clinic=clinic, client=patient, code=voucher.code, used_for="payment-2")
    assert caught.value.status == 409
    with pytest.raises(LoyaltyError) as caught:
        voucher_quote(
            clinic=clinic, client=patient, code=voucher.code, service_id=service.pk, amount=3000
        )
    assert caught.value.field == "voucher"


def test_another_clients_voucher_is_not_found(clinic, patient, reward):
    voucher = reward_grant(clinic=clinic, client=patient, reward_id=reward.pk, actor=None)
    someone = ClientAccountFactory(clinic=clinic)
    with pytest.raises(LoyaltyError) as caught:
        voucher_quote(clinic=clinic, client=someone, code=voucher.code, service_id=1, amount=100)
    assert caught.value.status == 404


def test_percent_and_free_service_vouchers_only_apply_to_their_services(clinic, patient):
    facial = ServiceFactory(clinic=clinic, price=6000)
    other = ServiceFactory(clinic=clinic, price=2000)
    free = RewardFactory(clinic=clinic, kind=RewardKind.FREE_SERVICE, amount_off=None)
    free.services.set([facial])
    pct = RewardFactory(clinic=clinic, kind=RewardKind.PERCENT_OFF, amount_off=None, percent_off=15)
    free_v = reward_grant(clinic=clinic, client=patient, reward_id=free.pk, actor=None)
    pct_v = reward_grant(clinic=clinic, client=patient, reward_id=pct.pk, actor=None)
    assert (
        voucher_quote(
            clinic=clinic, client=patient, code=free_v.code, service_id=facial.pk, amount=6000
        )[1]
        == 6000
    )
    with pytest.raises(LoyaltyError, match="does not apply"):
        voucher_quote(
            clinic=clinic, client=patient, code=free_v.code, service_id=other.pk, amount=2000
        )
    assert (
        voucher_quote(
            clinic=clinic, client=patient, code=pct_v.code, service_id=other.pk, amount=2000
        )[1]
        == 300
    )


def test_vouchers_past_their_date_expire(clinic, patient, reward):
    voucher = reward_grant(clinic=clinic, client=patient, reward_id=reward.pk, actor=None)
    later = voucher.expires_at + datetime.timedelta(seconds=1)
    assert [v.status for v in client_vouchers(clinic, patient, now=later)] == ["expired"]
    assert vouchers_expire(now=later) == 1
    voucher.refresh_from_db()
    assert voucher.status == VoucherStatus.EXPIRED
    assert LedgerEntry.objects.count() == 0
