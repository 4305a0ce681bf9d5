"""Four payments at one clinic succeed at the same moment: they get four distinct,
consecutive receipt numbers (GLOW-P1…P4), none lost and none twice. The four cards are
confirmed at Stripe first; then four workers apply the successes at once, as webhook
tasks do (``payment_apply_intent``), each in its own thread and database connection,
queueing on the clinic's counter row lock (PostgreSQL; SQLite's IMMEDIATE transactions
serialise). Without the lock, two read the same last number and one fails on the
unique number. Run it on both:
``DATABASE_URL=postgres://postgres@127.0.0.1:5432/portal .venv/bin/pytest
tests/payments/test_receipt_number_concurrency.py``."""

import threading

import pytest
from django.db import connections, transaction

from payments import services
from payments.models import Payment, ReceiptCounter, ReceiptSeries
from payments.services.receipt_numbers import receipt_number_take
from payments.stripe_api import stripe_client

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

PAYMENTS = 4


def test_payments_succeeding_at_once_get_consecutive_numbers(full_policy, held, clinic):
    started = [services.checkout_start(booking=held(f"{10 + i}:00")) for i in range(PAYMENTS)]
    stripe = stripe_client(clinic)
    intents = []
    for payment in started:  # as payment_confirm does (localstripe takes the card on update)
        stripe.PaymentIntent.modify(payment.stripe_payment_intent_id, payment_method="pm_card_visa")
        intents.append(stripe.PaymentIntent.confirm(payment.stripe_payment_intent_id))
    assert {intent.status for intent in intents} == {"succeeded"}
    barrier = threading.Barrier(PAYMENTS)
    results = [None] * PAYMENTS

    def attempt(i):
        try:
            barrier.wait()
            paid = services.payment_apply_intent(payment_id=started[i].pk, intent=intents[i])
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


def test_a_number_asked_for_while_another_is_being_issued_follows_it(clinic):
    """The interleaving the test above may not hit: one success has taken its number and
    not yet committed when the next asks. The next waits for it and follows; without the
    counter's row lock it read the old last number and repeated it."""
    receipt_number_take(clinic=clinic, series=ReceiptSeries.PAYMENT)  # GLOW-P1, committed
    taken, release = threading.Event(), threading.Event()
    results = {}

    def first():
        try:
            with transaction.atomic():
                results["first"] = receipt_number_take(clinic=clinic, series="P")
                taken.set()
                release.wait(timeout=30)
        finally:
            connections.close_all()

    def second():
        try:
            taken.wait(timeout=30)
            results["second"] = receipt_number_take(clinic=clinic, series="P")
        except Exception as exc:  # noqa: BLE001 - reported in the assertion
            results["second"] = repr(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=first), threading.Thread(target=second)]
    for thread in threads:
        thread.start()
    taken.wait(timeout=30)
    threads[1].join(timeout=1)
    assert threads[1].is_alive(), results  # waiting for the first to commit
    release.set()
    for thread in threads:
        thread.join(timeout=60)
    assert results == {"first": "GLOW-P2", "second": "GLOW-P3"}
    assert ReceiptCounter.objects.get(clinic=clinic, series="P").last == 3
