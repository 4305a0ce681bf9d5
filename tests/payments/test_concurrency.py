"""Six staff members refund 10.00 each on a 45.00 payment at the same moment: four
refunds go through, two are refused, and the refunds never exceed the capture. Each
refund runs in its own thread and database connection (row lock on the payment on
PostgreSQL, IMMEDIATE transactions on SQLite); run it on both:
``DATABASE_URL=postgres://postgres@127.0.0.1:5432/portal .venv/bin/pytest tests/payments``.
"""

import threading

import pytest
from django.db import connections

from payments import services
from payments.errors import RefundTooLargeError
from payments.models import Refund
from payments.stripe_api import stripe_client

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

ATTEMPTS = 6


def test_concurrent_refunds_cannot_exceed_the_capture(full_policy, held):
    booking = held()
    payment = services.checkout_start(booking=booking)
    payment = services.payment_confirm(payment=payment, payment_method="pm_card_visa")
    assert payment.amount_captured == 4500

    barrier = threading.Barrier(ATTEMPTS)
    results = [None] * ATTEMPTS

    def attempt(i):
        try:
            barrier.wait()
            services.refund_create(payment=payment, amount=1000, reason=f"attempt {i}")
            results[i] = "refunded"
        except RefundTooLargeError:
            results[i] = "refused"
        except Exception as exc:  # noqa: BLE001 - reported in the assertion
            results[i] = repr(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=attempt, args=(i,)) for i in range(ATTEMPTS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)

    assert sorted(results) == ["refunded"] * 4 + ["refused"] * 2, results
    assert sum(Refund.objects.values_list("amount", flat=True)) == 4000
    # Each key is derived from its own refund's id (recorded before Stripe is asked).
    for pk, key in Refund.objects.values_list("pk", "idempotency_key"):
        assert key == f"refund-{pk}"
    at_stripe = stripe_client(payment.clinic).Refund.list(
        payment_intent=payment.stripe_payment_intent_id
    )
    assert sum(r.amount for r in at_stripe.data) == 4000
