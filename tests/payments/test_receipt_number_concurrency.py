"""Four payments at one clinic succeed at the same moment: they get four distinct,
consecutive receipt numbers (GLOW-P1…P4), none lost and none twice. Each confirmation
runs in its own thread and database connection, queueing on the clinic's counter row
lock (PostgreSQL; SQLite's IMMEDIATE transactions serialise); run it on both:
``DATABASE_URL=postgres://postgres@127.0.0.1:5432/portal .venv/bin/pytest
tests/payments/test_receipt_number_concurrency.py``."""

import threading

import pytest
from django.db import connections

from payments import services
from payments.models import Payment, ReceiptCounter

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

PAYMENTS = 4


def test_payments_succeeding_at_once_get_consecutive_numbers(full_policy, held, clinic):
    started = [services.checkout_start(booking=held(f"{10 + i}:00")) for i in range(PAYMENTS)]
    barrier = threading.Barrier(PAYMENTS)
    results = [None] * PAYMENTS

    def attempt(i):
        try:
            barrier.wait()
            paid = services.payment_confirm(payment=started[i], payment_method="success")
            results[i] = paid.receipt_number
        except Exception as exc:  # noqa: BLE001 - reported in the assertion
            results[i] = repr(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=attempt, args=(i,)) for i in range(PAYMENTS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)

    expected = [f"GLOW-P{n}" for n in range(1, PAYMENTS + 1)]
    assert sorted(results, key=lambda r: (len(r), r)) == expected, results
    stored = Payment.objects.filter(status="succeeded").values_list("receipt_number", flat=True)
    assert sorted(stored, key=lambda r: (len(r), r)) == expected
    assert ReceiptCounter.objects.get(clinic=clinic, series="P").last == PAYMENTS
