"""Two redemptions racing for the last points cannot both succeed: six attempts to buy a
100-point reward with a balance of 100 (some as direct redemptions, some as staff
approving a request) end with exactly one voucher and a balance of zero. Each attempt
runs in its own thread and database connection, so on PostgreSQL this exercises the
account row lock (run with DATABASE_URL=postgres://… ) and on SQLite BEGIN IMMEDIATE."""

import threading

import pytest
from django.db import connections

from loyalty.errors import LoyaltyError
from loyalty.models import RequestStatus, Voucher
from loyalty.rewards.services import reward_redeem, reward_request_approve, reward_request_create
from loyalty.selectors import balance
from loyalty.services import points_award
from tests.factories.loyalty import RewardFactory

# serialized_rollback: the flush after each test would drop Wagtail's root page and locale.
pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def test_racing_redemptions_and_approvals_issue_one_voucher(clinic, patient, staff_user):
    reward = RewardFactory(clinic=clinic, cost=100)
    other = RewardFactory(clinic=clinic, cost=100)
    points_award(clinic=clinic, client=patient, amount=100, reason="start")
    requests = [
        reward_request_create(clinic=clinic, client=patient, reward_id=r.pk)
        for r in (reward, other)
    ]
    attempts = [
        lambda: reward_redeem(clinic=clinic, client=patient, reward_id=reward.pk),
        lambda: reward_redeem(clinic=clinic, client=patient, reward_id=reward.pk),
        lambda: reward_redeem(clinic=clinic, client=patient, reward_id=other.pk),
        lambda: reward_redeem(clinic=clinic, client=patient, reward_id=other.pk),
        lambda: reward_request_approve(clinic=clinic, request_id=requests[0].pk, actor=staff_user),
        lambda: reward_request_approve(clinic=clinic, request_id=requests[1].pk, actor=staff_user),
    ]
    barrier = threading.Barrier(len(attempts))
    results = [None] * len(attempts)

    def run(i):
        try:
            barrier.wait()
            attempts[i]()
            results[i] = "ok"
        except LoyaltyError as error:
            results[i] = error.field
        except Exception as error:  # anything else is a failure, shown in the assert
            results[i] = repr(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(attempts))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)

    assert sorted(results) == ["amount"] * 5 + ["ok"], results
    assert Voucher.objects.count() == 1
    assert balance(clinic, patient) == 0
    approved = [r for r in requests if (r.refresh_from_db() or r.status) == RequestStatus.APPROVED]
    assert len(approved) == (1 if "ok" in results[4:] else 0)
