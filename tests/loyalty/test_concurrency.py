"""Ten redemptions of 100 race for a balance of 500: exactly five win, and the balance
ends at zero, never below. Each attempt runs in its own thread with its own database
connection, so this exercises the row lock on PostgreSQL and BEGIN IMMEDIATE on SQLite.
"""

import threading

import pytest
from django.db import connections

from loyalty.errors import LoyaltyError
from loyalty.models import LedgerEntry
from loyalty.selectors import balance
from loyalty.services import points_award, points_redeem

# serialized_rollback: the flush after each test would drop Wagtail's root page and locale.
pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

ATTEMPTS = 10


def test_concurrent_redemptions_cannot_overspend(clinic, patient):
    points_award(clinic=clinic, client=patient, amount=500, reason="start")
    barrier = threading.Barrier(ATTEMPTS)
    results = [None] * ATTEMPTS

    def attempt(i):
        try:
            barrier.wait()
            points_redeem(clinic=clinic, client=patient, amount=100, reason=f"race {i}")
            results[i] = "ok"
        except LoyaltyError as error:
            results[i] = error.field
        except Exception as error:  # anything else is a failure, shown in the assert
            results[i] = repr(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=attempt, args=(i,)) for i in range(ATTEMPTS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)

    assert sorted(results) == ["amount"] * 5 + ["ok"] * 5, results
    assert balance(clinic, patient) == 0
    entries = LedgerEntry.objects.filter(client=patient).order_by("id")
    assert [e.balance_after for e in entries] == [500, 400, 300, 200, 100, 0]
    assert sum(e.amount for e in entries) == 0
