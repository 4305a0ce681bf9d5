"""The client's balance (the Overview's card, the Balance tab) is added up by the
database per booking — no payment is loaded — and says exactly what adding up every
payment and refund in Python said: discounts and captured amounts of succeeded payments
off the price, their refunds (failed ones aside) back on, fees and other payments' states
left out, cancelled bookings owing nothing."""

import pytest

from booking_api.lifecycle import OWING_STATUSES
from booking_api.models import BookingStatus
from payments.models import Payment, PaymentKind, PaymentStatus, Refund, RefundStatus
from payments.selectors import FEE_KINDS, client_balance, client_balance_totals
from tests.records.test_client_overview import book

pytestmark = pytest.mark.django_db


def pay(booking, key, amount, *, kind=PaymentKind.FULL, status=PaymentStatus.SUCCEEDED, discount=0):
    return Payment.objects.create(
        clinic=booking.clinic,
        booking=booking,
        kind=kind,
        amount=amount,
        amount_captured=amount if status == PaymentStatus.SUCCEEDED else 0,
        discount=discount,
        currency=booking.currency,
        status=status,
        idempotency_key=f"bal-{key}",
    )


def refund(payment, key, amount, status=RefundStatus.SUCCEEDED):
    return Refund.objects.create(
        payment=payment, amount=amount, status=status, idempotency_key=f"ref-{key}"
    )


def reference(clinic, client):
    """The former computation, payment by payment."""
    by_booking, discounts = {}, {}
    for p in Payment.objects.filter(clinic=clinic, booking__client=client):
        if p.status != PaymentStatus.SUCCEEDED or p.kind in FEE_KINDS:
            continue
        back = sum(r.amount for r in p.refunds.all() if r.status != RefundStatus.FAILED)
        by_booking[p.booking_id] = by_booking.get(p.booking_id, 0) + p.amount_captured - back
        discounts[p.booking_id] = discounts.get(p.booking_id, 0) + p.discount
    outstanding = credit = 0
    for b in client.bookings.filter(clinic=clinic):
        if b.status not in OWING_STATUSES:
            continue
        owed = b.price - discounts.get(b.pk, 0) - by_booking.get(b.pk, 0)
        if owed > 0:
            outstanding += owed
        else:
            credit -= owed
    return outstanding, credit


def test_the_totals_match_adding_up_every_payment(clinic, patient, other_clinic):
    book(clinic, patient, days=-1, status=BookingStatus.COMPLETED, price=4500)
    paid = book(clinic, patient, days=-2, status=BookingStatus.COMPLETED, price=4500)
    pay(paid, 1, 4000, discount=500)
    overpaid = book(clinic, patient, days=-3, status=BookingStatus.COMPLETED, price=3000)
    pay(overpaid, 2, 3500)
    part_refunded = book(clinic, patient, days=-4, status=BookingStatus.COMPLETED, price=5000)
    p = pay(part_refunded, 3, 5000)
    refund(p, 1, 2000)
    refund(p, 2, 1000, status=RefundStatus.FAILED)
    with_fee = book(clinic, patient, days=5, price=6000)
    pay(with_fee, 4, 2000, kind=PaymentKind.NO_SHOW_FEE)
    pay(with_fee, 5, 6000, status=PaymentStatus.FAILED)
    pay(with_fee, 6, 1000, kind=PaymentKind.DEPOSIT)
    cancelled = book(clinic, patient, days=-6, status=BookingStatus.CANCELLED, price=9000)
    pay(cancelled, 7, 9000)
    assert client_balance_totals(clinic, patient) == reference(clinic, patient)
    # unpaid 45, part-refunded 20, the deposit's booking 50 owed; 5 paid beyond
    assert client_balance_totals(clinic, patient) == (4500 + 2000 + 5000, 500)
    balance = client_balance(clinic, patient)
    assert (balance.outstanding, balance.credit) == (11500, 500)
    assert len(balance.payments) == 7 and len(balance.refunds) == 2
    assert client_balance_totals(other_clinic, patient) == (0, 0)


def test_the_totals_take_three_queries_whatever_the_history(
    clinic, patient, django_assert_num_queries
):
    for n in range(20):
        booking = book(clinic, patient, days=-(n + 1), status=BookingStatus.COMPLETED)
        refund(pay(booking, n, 4000), n, 100)
    with django_assert_num_queries(3):
        outstanding, credit = client_balance_totals(clinic, patient)
    assert (outstanding, credit) == reference(clinic, patient) == (20 * 600, 0)
