"""Payments against localstripe: deposit, full payment, decline, refunds (full, partial,
too much), the policy refund on cancel, hold expiry, late success and reconciliation.

Where localstripe differs from Stripe the code is written for Stripe; the differences
that show here are noted next to the test that meets them."""

import datetime

import pytest
import stripe
from django.utils import timezone

from booking_api.models import Booking, BookingEvent, BookingStatus
from booking_api.services import booking_cancel, booking_create, booking_transition
from branding.services import policy_update
from notifications.models import Notification
from payments import selectors, services
from payments.errors import CardDeclinedError, PaymentError, RefundTooLargeError
from payments.models import Payment, PaymentKind, PaymentStatus, Refund
from payments.stripe_api import stripe_client
from tests.fixtures.booking import MONDAY, at
from tests.fixtures.honesty import nothing_changes

pytestmark = pytest.mark.django_db(transaction=False)


def pay(booking, card="pm_card_visa"):
    payment = services.checkout_start(booking=booking)
    return services.payment_confirm(payment=payment, payment_method=card)


def test_deposit_is_charged_with_a_key_from_the_booking_and_confirms_it(deposit_policy, held):
    booking = held()
    quote = selectors.checkout_quote(booking)
    assert (quote.kind, quote.due_now, quote.balance_later) == ("deposit", 900, 3600)

    payment = services.checkout_start(booking=booking)
    assert payment.idempotency_key == f"booking-{booking.pk}-deposit"
    assert payment.client_secret.startswith(payment.stripe_payment_intent_id)
    intent = stripe_client(payment.clinic).PaymentIntent.retrieve(payment.stripe_payment_intent_id)
    assert (intent.amount, intent.currency) == (900, "gbp")
    assert intent.metadata["booking_id"] == str(booking.pk)
    # Starting the checkout again finds the same payment (and, at Stripe, the same key).
    assert services.checkout_start(booking=booking).pk == payment.pk

    payment = services.payment_confirm(payment=payment, payment_method="pm_card_visa")
    assert (payment.status, payment.amount_captured) == (PaymentStatus.SUCCEEDED, 900)
    booking.refresh_from_db()
    assert booking.status == BookingStatus.BOOKED
    kinds = list(booking.events.values_list("kind", flat=True))
    assert "payment" in kinds
    # Confirming again changes nothing.
    again = services.payment_confirm(payment=payment, payment_method="pm_card_visa")
    assert again.pk == payment.pk and Payment.objects.count() == 1


def test_full_payment_charges_the_price(full_policy, held):
    booking = held()
    payment = pay(booking)
    assert (payment.kind, payment.amount, payment.amount_captured) == (
        PaymentKind.FULL,
        4500,
        4500,
    )
    assert payment.idempotency_key == f"booking-{booking.pk}-full"


def test_no_online_payment_means_nothing_to_charge(open_policy, held):
    booking = held()
    assert selectors.checkout_quote(booking).due_now == 0
    with pytest.raises(PaymentError) as exc:
        services.checkout_start(booking=booking)
    assert exc.value.code == "nothing_due"


def test_no_charge_without_a_held_booking(deposit_policy, clinic, patient, service, emma):
    # Staff book without taking payment: such a booking is never charged by checkout.
    booking = booking_create(
        clinic=clinic,
        client=patient,
        service=service,
        staff=emma,
        start=at(MONDAY, "11:00"),
        source="staff",
    )
    with pytest.raises(PaymentError) as exc:
        services.checkout_start(booking=booking)
    assert exc.value.code == "not_awaiting_payment"
    assert not Payment.objects.exists()


def test_a_declined_card_says_so_and_keeps_the_hold(deposit_policy, held):
    booking = held()
    payment = services.checkout_start(booking=booking)
    # 4000 0000 0000 0341: attaches, then fails when charged. localstripe knows it as
    # pm_card_chargeCustomerFail, like Stripe.
    with pytest.raises(CardDeclinedError) as exc:
        services.payment_confirm(payment=payment, payment_method="pm_card_chargeCustomerFail")
    assert exc.value.status == 402
    assert "Your card was declined." in exc.value.message
    assert "still held" in exc.value.message
    booking.refresh_from_db()
    assert booking.status == BookingStatus.PENDING_PAYMENT
    payment.refresh_from_db()
    assert payment.status == PaymentStatus.PENDING and "declined" in payment.last_error
    # The next card is confirmed on a fresh PaymentIntent (test_payments_recover.py).
    assert payment.confirm_attempts == 1


def test_refund_full_and_partial_never_more_than_captured(full_policy, held):
    booking = held()
    payment = pay(booking)
    first = services.refund_create(payment=payment, amount=1000, reason="goodwill")
    assert first.idempotency_key == f"refund-{first.pk}"
    assert first.stripe_refund_id.startswith("re_")
    with nothing_changes(Refund, Payment), pytest.raises(RefundTooLargeError) as exc:
        services.refund_create(payment=payment, amount=3501)
    assert exc.value.field == "amount" and "35.00" in exc.value.message
    rest = services.refund_create(payment=payment)
    assert rest.amount == 3500 and rest.idempotency_key == f"refund-{rest.pk}"
    with nothing_changes(Refund, Payment), pytest.raises(RefundTooLargeError):
        services.refund_create(payment=payment, amount=1)
    charge_refunds = stripe_client(payment.clinic).Refund.list(
        payment_intent=payment.stripe_payment_intent_id
    )
    assert sorted(r.amount for r in charge_refunds.data) == [1000, 3500]
    assert [e.kind for e in booking.events.filter(kind="refund")] == ["refund", "refund"]


def test_cancelling_refunds_by_the_policy_quote(
    full_policy, held, django_capture_on_commit_callbacks
):
    booking = held()
    pay(booking)
    now = at(MONDAY, "00:00") - datetime.timedelta(days=3)
    with django_capture_on_commit_callbacks(execute=True):
        booking_cancel(booking=Booking.objects.get(pk=booking.pk), now=now)
    booking.refresh_from_db()
    assert booking.status == BookingStatus.REFUNDED
    assert list(Refund.objects.values_list("amount", flat=True)) == [4500]
    # Running the policy refund again gives nothing more.
    assert services.refund_for_cancellation(booking_id=booking.pk) == []


def test_late_cancellation_keeps_the_fee(full_policy, held, django_capture_on_commit_callbacks):
    policy_update(clinic=full_policy, late_cancel_fee_kind="percent", late_cancel_fee_value=50)
    booking = held()
    pay(booking)
    with django_capture_on_commit_callbacks(execute=True):
        booking_cancel(booking=Booking.objects.get(pk=booking.pk), now=at(MONDAY, "08:00"))
    assert list(Refund.objects.values_list("amount", flat=True)) == [2250]
    booking.refresh_from_db()
    assert booking.status == BookingStatus.CANCELLED


def test_an_unpaid_hold_that_runs_out_frees_the_slot(
    deposit_policy, held, clinic, patient, service, emma
):
    booking = held()
    payment = services.checkout_start(booking=booking)
    later = timezone.now() + datetime.timedelta(minutes=11)
    assert services.holds_expire(now=later) == {booking.pk: "released"}
    booking.refresh_from_db()
    assert booking.status == BookingStatus.CANCELLED
    assert booking.events.filter(to_status="cancelled", data__hold_expired=True).exists()
    payment.refresh_from_db()
    assert payment.status == PaymentStatus.CANCELED
    intent = stripe_client(payment.clinic).PaymentIntent.retrieve(payment.stripe_payment_intent_id)
    assert intent.status == "canceled"
    # The slot is free again for someone else (booked here by staff, so not held).
    booking_create(
        clinic=clinic,
        client=patient,
        service=service,
        staff=emma,
        start=at(MONDAY, "10:00"),
        source="staff",
    )
    # Nothing more happens the second time.
    assert services.holds_expire(now=later) == {}


def test_a_hold_that_was_paid_meanwhile_is_confirmed_not_released(deposit_policy, held):
    booking = held()
    payment = services.checkout_start(booking=booking)
    # Paid at Stripe, but our confirmation never arrived (the process died).
    stripe_client(payment.clinic).PaymentIntent.modify(
        payment.stripe_payment_intent_id, payment_method="pm_card_visa"
    )
    stripe_client(payment.clinic).PaymentIntent.confirm(payment.stripe_payment_intent_id)
    later = timezone.now() + datetime.timedelta(minutes=11)
    assert services.holds_expire(now=later) == {booking.pk: "paid"}
    booking.refresh_from_db()
    assert booking.status == BookingStatus.BOOKED


def test_a_payment_after_the_hold_ran_out_is_refunded_and_the_patient_told(
    deposit_policy, held, clinic, patient, service, emma, django_capture_on_commit_callbacks
):
    booking = held()
    payment = services.checkout_start(booking=booking)
    # The hold is released while the patient is still typing; someone takes the slot.
    Booking.objects.filter(pk=booking.pk).update(
        hold_expires_at=timezone.now() - datetime.timedelta(minutes=1)
    )
    with_stripe = stripe_client(booking.clinic)
    booking_transition(
        booking=booking, to_status=BookingStatus.CANCELLED, data={"hold_expired": True}
    )
    booking_create(
        clinic=clinic, client=patient, service=service, staff=emma, start=at(MONDAY, "10:00")
    )
    # The payment still goes through at Stripe (its cancellation never happened).
    with_stripe.PaymentIntent.modify(
        payment.stripe_payment_intent_id, payment_method="pm_card_visa"
    )
    intent = with_stripe.PaymentIntent.confirm(payment.stripe_payment_intent_id)
    with django_capture_on_commit_callbacks(execute=True):
        services.payment_apply_intent(payment_id=payment.pk, intent=intent)
    payment.refresh_from_db()
    assert payment.status == PaymentStatus.SUCCEEDED
    assert list(payment.refunds.values_list("amount", flat=True)) == [900]
    booking.refresh_from_db()
    assert booking.status == BookingStatus.REFUNDED
    note = Notification.objects.get(idempotency_key=f"payment-{payment.pk}-late-refund")
    assert note.user == patient.user and "refunded" in note.body
    # Applied again (the webhook arrives too): no second refund.
    services.payment_apply_intent(payment_id=payment.pk, intent=intent)
    services.refund_late_payment(payment_id=payment.pk)
    assert payment.refunds.count() == 1


def test_confirming_after_the_hold_ran_out_is_refused(deposit_policy, held):
    booking = held()
    payment = services.checkout_start(booking=booking)
    Booking.objects.filter(pk=booking.pk).update(
        hold_expires_at=timezone.now() - datetime.timedelta(seconds=1)
    )
    with pytest.raises(PaymentError) as exc:
        services.payment_confirm(payment=payment, payment_method="pm_card_visa")
    assert exc.value.code == "hold_expired"


def test_reconciliation_repairs_each_mismatch(fresh_stripe, full_policy, held):
    api = stripe_client(full_policy)
    # 1. Paid at Stripe, our row never heard of it: recorded and the booking confirmed.
    unrecorded = held("10:00")
    p1 = services.checkout_start(booking=unrecorded)
    api.PaymentIntent.modify(p1.stripe_payment_intent_id, payment_method="pm_card_visa")
    api.PaymentIntent.confirm(p1.stripe_payment_intent_id)
    # 2. Recorded as paid, but the booking was left held.
    stuck = held("11:00")
    p2 = pay(stuck)
    Booking.objects.filter(pk=stuck.pk).update(status=BookingStatus.PENDING_PAYMENT)
    # 3. A charge at Stripe whose payment row was lost (crash before our insert committed).
    lost = api.PaymentIntent.create(
        amount=4500,
        currency="gbp",
        payment_method="pm_card_visa",
        metadata={"booking_id": "999999", "payment_id": "999999"},
    )
    api.PaymentIntent.confirm(lost.id)
    # 4. Recorded as paid, not paid at Stripe: reported for a human.
    ghost = held("12:00")
    p4 = services.checkout_start(booking=ghost)
    Payment.objects.filter(pk=p4.pk).update(status=PaymentStatus.SUCCEEDED, amount_captured=4500)

    findings = services.payments_reconcile()
    problems = {(f["problem"], f["action"]) for f in findings}
    assert problems == {
        ("paid at Stripe, not recorded", "recorded"),
        ("paid but booking still held", "booking confirmed"),
        ("charge without a booking", "refunded"),
        ("recorded as paid, not paid at Stripe", "reported"),
    }
    unrecorded.refresh_from_db()
    stuck.refresh_from_db()
    assert unrecorded.status == stuck.status == BookingStatus.BOOKED
    p1.refresh_from_db()
    assert p1.status == PaymentStatus.SUCCEEDED
    assert sum(r.amount for r in api.Refund.list(payment_intent=lost.id).data) == 4500
    # A second run finds only what needs a human.
    assert {f["problem"] for f in services.payments_reconcile()} == {
        "recorded as paid, not paid at Stripe"
    }
    assert p2.pk


def test_stripe_outage_is_a_clear_error(deposit_policy, held, settings):
    settings.STRIPE_API_BASE = "http://127.0.0.1:9"
    stripe.max_network_retries = 0
    with pytest.raises(PaymentError) as exc:
        services.checkout_start(booking=held())
    assert exc.value.status == 502


def test_history_records_payment_and_refund(full_policy, held):
    booking = held()
    payment = pay(booking)
    services.refund_create(payment=payment, amount=500)
    events = BookingEvent.objects.filter(booking=booking).values_list("kind", flat=True)
    assert {"payment", "refund"} <= set(events)


def test_refund_succeeded_is_sent_after_commit_with_refund_and_booking(
    full_policy, held, django_capture_on_commit_callbacks
):
    from payments.signals import refund_succeeded

    booking = held()
    payment = pay(booking)
    received = []

    def receiver(sender, refund, booking, **kwargs):
        received.append((refund.pk, refund.amount, booking.pk))

    refund_succeeded.connect(receiver)
    try:
        with django_capture_on_commit_callbacks(execute=False) as callbacks:
            refund = services.refund_create(payment=payment, amount=1500)
        assert received == []  # nothing before commit
        for callback in callbacks:
            callback()
    finally:
        refund_succeeded.disconnect(receiver)
    assert received == [(refund.pk, 1500, booking.pk)]
