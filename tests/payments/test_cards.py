"""Card on file against localstripe: a card saved at booking (SetupIntent on the client's
Customer), charged later off-session for the balance, a late-cancellation fee and a
no-show fee, each with a key derived from the booking; a declined card on file; saved
cards listed and removed.

localstripe differences met here (the code is written for Stripe): a confirmed
SetupIntent does not attach its card to the Customer (we attach it when it is not), and
4000 0000 0000 0002 is declined only when attached, never when charged."""

import pytest
from django.http import Http404

from booking_api.models import BookingStatus
from booking_api.services import booking_cancel, booking_create, booking_transition
from branding.models import PaymentMode
from branding.services import policy_update
from payments import cards
from payments.errors import CardDeclinedError, PaymentError
from payments.models import CardSetupStatus, Payment, PaymentKind, PaymentStatus, SavedCard
from payments.stripe_api import stripe_client
from tests.factories.clients import ClientAccountFactory
from tests.fixtures.booking import MONDAY, at

pytestmark = pytest.mark.django_db(transaction=False)


@pytest.fixture
def card_policy(open_policy):
    policy_update(
        clinic=open_policy,
        payment_mode=PaymentMode.CARD_ON_FILE,
        no_show_fee_kind="percent",
        no_show_fee_value=50,
        late_cancel_fee_kind="fixed",
        late_cancel_fee_value=1500,
        cancellation_window_hours=24,
    )
    return open_policy


@pytest.fixture
def booked(clinic, patient, service, emma, card_policy):
    return booking_create(
        clinic=clinic, client=patient, service=service, staff=emma, start=at(MONDAY, "10:00")
    )


def complete(booking):
    booking_transition(booking=booking, to_status=BookingStatus.STARTED)
    booking_transition(booking=booking, to_status=BookingStatus.COMPLETED)


def save_card(booking, card="success"):
    setup = cards.card_setup_start(booking=booking)
    return cards.card_setup_confirm(setup=setup, payment_method=card)


def test_a_card_saved_at_booking_is_charged_later_for_the_balance(booked, patient):
    assert booked.status == BookingStatus.BOOKED  # card on file: nothing taken now
    setup = cards.card_setup_start(booking=booked)
    assert setup.client_secret.startswith(setup.stripe_setup_intent_id)
    setup = cards.card_setup_confirm(setup=setup, payment_method="success")
    assert setup.status == CardSetupStatus.SUCCEEDED
    card = SavedCard.objects.get(client=patient)
    assert (card.brand, card.last4) == ("visa", "4242")
    # The card belongs to the client's Customer at Stripe.
    method = stripe_client(booked.clinic).PaymentMethod.retrieve(card.stripe_payment_method_id)
    assert method.customer == patient.stripe_customer.stripe_customer_id

    complete(booked)
    payment = cards.card_charge(booking=booked, kind=PaymentKind.BALANCE)
    assert payment.idempotency_key == f"booking-{booked.pk}-balance"
    assert (payment.status, payment.amount_captured) == (PaymentStatus.SUCCEEDED, 4500)
    intent = stripe_client(booked.clinic).PaymentIntent.retrieve(payment.stripe_payment_intent_id)
    assert intent.customer == patient.stripe_customer.stripe_customer_id
    # Nothing is left to charge, and the same charge is never taken twice.
    assert cards.charge_due(booked, PaymentKind.BALANCE) == 0
    with pytest.raises(PaymentError) as exc:
        cards.card_charge(booking=booked, kind=PaymentKind.BALANCE, amount=100)
    assert exc.value.code == "already_charged"
    assert Payment.objects.count() == 1


def test_no_show_fee_goes_to_the_card_on_file_once(booked):
    save_card(booked)
    with pytest.raises(PaymentError) as exc:  # not a no-show yet
        cards.card_charge(booking=booked, kind=PaymentKind.NO_SHOW_FEE)
    assert exc.value.field == "kind"
    booking_transition(booking=booked, to_status=BookingStatus.NO_SHOW)
    payment = cards.card_charge(booking=booked, kind=PaymentKind.NO_SHOW_FEE)
    assert payment.idempotency_key == f"booking-{booked.pk}-no-show-fee"
    assert payment.amount_captured == 2250  # 50% of 45.00
    with pytest.raises(PaymentError) as exc:
        cards.card_charge(booking=booked, kind=PaymentKind.NO_SHOW_FEE)
    assert exc.value.code == "already_charged"


def test_late_cancellation_fee_is_the_quoted_fee_and_is_not_refunded(booked):
    save_card(booked)
    booking_cancel(booking=booked, now=at(MONDAY, "08:00"))  # inside the 24h window
    booked.refresh_from_db()
    assert cards.charge_due(booked, PaymentKind.LATE_CANCEL_FEE) == 1500
    payment = cards.card_charge(booking=booked, kind=PaymentKind.LATE_CANCEL_FEE)
    assert payment.idempotency_key == f"booking-{booked.pk}-late-cancel-fee"
    assert payment.amount_captured == 1500
    # The policy refund of a cancelled booking never gives a fee back.
    from payments.services import refund_for_cancellation

    assert refund_for_cancellation(booking_id=booked.pk) == []


def test_a_declined_card_on_file_is_reported_and_can_be_tried_again(booked, patient):
    # 4000 0000 0000 0341 saves fine and is declined when charged (Stripe and localstripe).
    save_card(booked, card="decline")
    complete(booked)
    with pytest.raises(CardDeclinedError) as exc:
        cards.card_charge(booking=booked, kind=PaymentKind.BALANCE)
    assert exc.value.field == "card" and "declined" in exc.value.message
    payment = Payment.objects.get()
    assert payment.status == PaymentStatus.FAILED and payment.last_error
    assert booked.events.filter(kind="payment_declined").exists()
    # The client saves a good card; the same balance payment is tried again with it.
    good = save_card_for(patient, booked)
    payment = cards.card_charge(booking=booked, kind=PaymentKind.BALANCE, card=good)
    assert payment.status == PaymentStatus.SUCCEEDED
    assert Payment.objects.count() == 1


def save_card_for(client, booking):
    customer = cards.customer_ensure(client=client)
    from payments.test_cards import test_card_payment_method

    pm = test_card_payment_method("success", clinic=client.clinic)
    return cards.card_save(client=client, customer=customer, payment_method_id=pm)


def test_a_card_declined_when_saved_says_so(booked):
    with pytest.raises(CardDeclinedError) as exc:
        save_card(booked, card="decline_generic")  # 4000 0000 0000 0002
    assert "declined" in exc.value.message
    assert not SavedCard.objects.exists()


def test_no_card_on_file_is_named(booked):
    complete(booked)
    with pytest.raises(PaymentError) as exc:
        cards.card_charge(booking=booked, kind=PaymentKind.BALANCE)
    assert exc.value.field == "card" and exc.value.code == "no_card"
    assert not Payment.objects.exists()


def test_removing_a_saved_card_detaches_it(booked, patient, clinic):
    save_card(booked)
    card = SavedCard.objects.get()
    with pytest.raises(Http404):  # another client's card is not found
        cards.saved_card_for_client(clinic, ClientAccountFactory(clinic=clinic), card.pk)
    cards.saved_card_remove(card=cards.saved_card_for_client(clinic, patient, card.pk))
    assert not SavedCard.objects.exists()
    method = stripe_client(clinic).PaymentMethod.retrieve(card.stripe_payment_method_id)
    assert method.customer is None
