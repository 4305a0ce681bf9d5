"""Gift cards through the real flows: bought with a test card (localstripe) and emailed
to the recipient on the delivery day with the code and a PDF; spent at a booking's
checkout partially and across two bookings, the rest paid by card; a card that pays the
whole price books without a card payment; given back when a booking is cancelled in
time; staff void and adjust with a reason (audited); the liability is the sum of the
balances; bad input names the field and changes nothing."""

import datetime

import pytest

from booking_api.models import BookingStatus
from booking_api.services import booking_cancel
from branding.errors import DomainError
from commerce.giftcards.checkout import ref_for
from commerce.giftcards.selectors import gift_card_balance, gift_card_by_code, gift_card_liability
from commerce.giftcards.services import (
    gift_card_adjust,
    gift_card_buy_start,
    gift_card_void,
    gift_cards_deliver_due,
)
from commerce.models import GiftCard, GiftCardEntry
from commerce.purchases import purchase_confirm
from payments import services
from payments.models import PaymentStatus
from people.models import AuditEntry
from tests.fixtures.booking import early_now

pytestmark = pytest.mark.usefixtures("stripe_at_localstripe")


def test_bought_online_and_emailed_to_the_recipient_on_the_day(
    clinic, patient, gift_cards_on, mailoutbox, django_capture_on_commit_callbacks
):
    today = datetime.date.today()
    later = today + datetime.timedelta(days=3)
    purchase = gift_card_buy_start(
        clinic=clinic,
        client=patient,
        amount=5000,
        recipient_name="Jane Doe",
        recipient_email="jane@example.com",
        message="Enjoy!",
        deliver_on=later,
    )
    card = GiftCard.objects.get()
    assert card.issued_at is None and gift_card_by_code(clinic, card.code) is None  # unpaid
    with django_capture_on_commit_callbacks(execute=True):
        purchase_confirm(purchase=purchase, payment_method="success")
    card.refresh_from_db()
    assert card.issued_at and gift_card_balance(card) == 5000
    assert [m.to for m in mailoutbox] == [[patient.user.email]]  # the buyer's receipt only

    GiftCard.objects.filter(pk=card.pk).update(deliver_on=today)
    with django_capture_on_commit_callbacks(execute=True):
        gift_cards_deliver_due()
        gift_cards_deliver_due()  # twice: one email
    (email,) = [m for m in mailoutbox if m.to == ["jane@example.com"]]
    assert card.printed_code in email.body and "Enjoy!" in email.body
    name, pdf, mimetype = email.attachments[0]
    assert mimetype == "application/pdf" and pdf.startswith(b"%PDF")


def test_bad_details_name_the_field_and_write_nothing(clinic, patient, gift_cards_on):
    good = {
        "amount": 5000,
        "recipient_name": "Jane",
        "recipient_email": "jane@example.com",
        "deliver_on": None,
    }
    for field, value in (
        ("amount", 100),
        ("recipient_name", "<b>"),
        ("recipient_email", "nope"),
        ("deliver_on", datetime.date.today() - datetime.timedelta(days=2)),
    ):
        with pytest.raises(DomainError) as refused:
            gift_card_buy_start(clinic=clinic, client=patient, **{**good, field: value})
        assert refused.value.field == field
    assert not GiftCard.objects.exists()


def test_spent_partially_across_two_bookings_the_rest_by_card(
    clinic, patient, full_policy, held, gift_card
):
    ref = ref_for(gift_card.printed_code.lower())  # typed any way
    first, second = held("10:00"), held("11:00")  # 45.00 each, paid in full at booking
    payment = services.checkout_start(booking=first, voucher_ref=ref)
    assert (payment.discount, payment.amount, payment.status) == (4500, 0, "succeeded")
    assert payment.receipt_number == "GLOW-P1"  # a receipt too, numbered when paid
    first.refresh_from_db()
    assert first.status == BookingStatus.BOOKED  # the card paid it all: no card payment
    assert gift_card_balance(gift_card) == 1500

    payment = services.checkout_start(booking=second, voucher_ref=ref)
    assert (payment.discount, payment.amount) == (1500, 3000)
    payment = services.payment_confirm(payment=payment, payment_method="success")
    assert (payment.status, payment.amount_captured) == (PaymentStatus.SUCCEEDED, 3000)
    assert payment.receipt_number == "GLOW-P2"
    assert gift_card_balance(gift_card) == 0

    third = held("12:00")
    with pytest.raises(DomainError) as spent:
        services.checkout_start(booking=third, voucher_ref=ref)
    assert spent.value.field == "voucher"


def test_choosing_nothing_gives_the_reserved_money_back(
    clinic, full_policy, held, gift_card, manager
):
    gift_card_adjust(clinic=clinic, card_id=gift_card.pk, amount=-5000, actor=manager, reason="x")
    booking = held("10:00")
    payment = services.checkout_start(booking=booking, voucher_ref=ref_for(gift_card.code))
    assert (payment.discount, payment.amount, gift_card_balance(gift_card)) == (1000, 3500, 0)
    payment = services.checkout_start(booking=booking, voucher_ref="")
    assert (payment.discount, payment.amount, gift_card_balance(gift_card)) == (0, 4500, 1000)
    assert GiftCardEntry.objects.filter(gift_card=gift_card, kind="release").count() == 1


def test_a_booking_cancelled_in_time_gives_the_card_its_money_back(
    clinic, full_policy, held, gift_card, django_capture_on_commit_callbacks
):
    booking = held("10:00")
    services.checkout_start(booking=booking, voucher_ref=ref_for(gift_card.code))
    assert gift_card_balance(gift_card) == 1500
    booking.refresh_from_db()
    with django_capture_on_commit_callbacks(execute=True):
        booking_cancel(booking=booking, by_client=True, now=early_now())
    assert gift_card_balance(gift_card) == 6000


def test_another_clinics_code_and_a_void_card_are_refused(
    clinic, other_clinic, full_policy, held, gift_card, manager
):
    booking = held("10:00")
    assert gift_card_by_code(other_clinic, gift_card.code) is None
    with pytest.raises(DomainError):
        gift_card_void(clinic=clinic, card_id=gift_card.pk, actor=manager, reason=" ")
    gift_card_void(clinic=clinic, card_id=gift_card.pk, actor=manager, reason="lost")
    with pytest.raises(DomainError) as refused:
        services.checkout_start(booking=booking, voucher_ref=ref_for(gift_card.code))
    assert refused.value.field == "voucher"
    booking.refresh_from_db()
    assert booking.status == BookingStatus.PENDING_PAYMENT and gift_card_balance(gift_card) == 0
    assert AuditEntry.objects.filter(summary__contains="Voided gift card").exists()


def test_staff_adjust_and_the_liability(clinic, gift_card, manager):
    assert gift_card_liability(clinic) == 6000
    gift_card_adjust(clinic=clinic, card_id=gift_card.pk, amount=-1000, actor=manager, reason="x")
    with pytest.raises(DomainError) as too_much:
        gift_card_adjust(
            clinic=clinic, card_id=gift_card.pk, amount=-6000, actor=manager, reason="x"
        )
    assert too_much.value.field == "amount"
    assert gift_card_liability(clinic) == 5000
    assert AuditEntry.objects.filter(summary__contains="-1000").exists()
