"""Issue 18 #1 under concurrency: one £10-off voucher, four bookings held for payment,
four checkouts applying it and paying at the same moment. Exactly one payment is
discounted and the voucher is used by that one; the others are refused naming the field
``voucher``. Each checkout runs in its own thread and database connection (the voucher's
row lock on PostgreSQL, IMMEDIATE transactions on SQLite); run it on both:
``DATABASE_URL=postgres://postgres@127.0.0.1:5432/portal .venv/bin/pytest tests/loyalty``.
"""

import threading

import pytest
from django.db import connections

from branding.errors import DomainError
from loyalty.models import VoucherStatus
from loyalty.rewards.services import reward_redeem
from loyalty.services import points_award
from payments import services
from payments.models import Payment, PaymentStatus
from tests.factories.loyalty import RewardFactory

pytestmark = [
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.usefixtures("stripe_at_localstripe"),
]

TIMES = ["10:00", "11:00", "12:00", "13:00"]


def test_concurrent_checkouts_with_one_voucher_discount_exactly_one(
    clinic, patient, full_policy, held
):
    reward = RewardFactory(clinic=clinic, name="£10 off", cost=100, amount_off=1000)
    points_award(clinic=clinic, client=patient, amount=100, reason="start")
    voucher = reward_redeem(clinic=clinic, client=patient, reward_id=reward.pk)
    ref = f"loyalty:{voucher.code}"
    bookings = [held(hhmm) for hhmm in TIMES]

    barrier = threading.Barrier(len(bookings))
    results = [None] * len(bookings)

    def attempt(i):
        try:
            barrier.wait()
            payment = services.checkout_start(booking=bookings[i], voucher_ref=ref)
            payment = services.payment_confirm(payment=payment, payment_method="success")
            results[i] = f"paid {payment.amount_captured}"
        except DomainError as exc:
            results[i] = f"refused {exc.field}"
        except Exception as exc:  # noqa: BLE001 - reported in the assertion
            results[i] = repr(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=attempt, args=(i,)) for i in range(len(bookings))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)

    assert sorted(results) == ["paid 3500"] + ["refused voucher"] * 3, results
    paid = Payment.objects.filter(status=PaymentStatus.SUCCEEDED)
    assert [(p.discount, p.amount_captured) for p in paid] == [(1000, 3500)]
    voucher.refresh_from_db()
    assert voucher.status == VoucherStatus.USED
    assert voucher.used_for == f"payment-{paid.get().pk}"
