"""Gift cards in the portal: bought with a test card, emailed on the day, the balance
looked up by code (limited per client address), paid with at the booking checkout
by typing the code; the pages gone with the toggle off."""

import datetime

import pytest

from booking_api.models import BookingStatus
from branding.services import features_update
from commerce.giftcards.selectors import gift_card_balance
from commerce.models import GiftCard
from tests.fixtures.clinics import host_client

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("stripe_at_localstripe")]


def test_a_patient_buys_a_gift_card_and_it_is_emailed(
    signed_in, patient, gift_cards_on, mailoutbox, django_capture_on_commit_callbacks
):
    form = {
        "amount": "50",
        "recipient_name": "Jane Doe",
        "recipient_email": "jane@example.com",
        "message": "Happy birthday",
        "deliver_on": datetime.date.today().isoformat(),
    }
    bad = signed_in.post("/gift-cards/", {**form, "amount": "1"})
    assert bad.status_code == 400 and "between" in bad.content.decode()
    assert not GiftCard.objects.exists()
    response = signed_in.post("/gift-cards/", form)
    assert response.status_code == 302 and "/purchases/" in response["Location"]
    with django_capture_on_commit_callbacks(execute=True):
        paid = signed_in.post(response["Location"], {"card": "success"})
    assert paid["Location"] == "/gift-cards/"
    card = GiftCard.objects.get()
    assert gift_card_balance(card) == 5000
    (to_jane,) = [m for m in mailoutbox if m.to == ["jane@example.com"]]
    assert card.printed_code in to_jane.body
    page = signed_in.get("/gift-cards/").content.decode()
    assert "Jane Doe" in page and "receipt.pdf" in page


def test_anyone_looks_a_balance_up_but_not_too_often(clinic, gift_card, portal, settings):
    found = portal.post("/gift-cards/balance/", {"code": gift_card.printed_code.lower()})
    assert "£60.00 left of £60.00" in found.content.decode()
    unknown = portal.post("/gift-cards/balance/", {"code": "NOPE-NOPE"})
    assert unknown.status_code == 400 and "no gift card with that code" in unknown.content.decode()
    settings.ACCOUNT_RATE_LIMITS = {**settings.ACCOUNT_RATE_LIMITS, "gift_card_lookup": "3/m/ip"}
    answers = [
        portal.post("/gift-cards/balance/", {"code": gift_card.code}).status_code for _ in range(4)
    ]
    assert answers[-1] == 429


def test_a_gift_card_pays_at_the_booking_checkout(
    clinic, signed_in, patient, full_policy, held, gift_card, manager
):
    from commerce.giftcards.services import gift_card_adjust

    gift_card_adjust(clinic=clinic, card_id=gift_card.pk, amount=-4000, actor=manager, reason="x")
    booking = held("10:00")  # 45.00, 20.00 left on the card
    page = signed_in.get(f"/book/pay/{booking.reference}/")
    assert "Pay with a gift card" in page.content.decode()
    applied = signed_in.get(f"/book/pay/{booking.reference}/?gift_card={gift_card.printed_code}")
    html = applied.content.decode()
    assert "−£20.00" in html and "£25.00" in html
    paid = signed_in.post(f"/book/pay/{booking.reference}/", {"card": "success"})
    assert paid.status_code == 302
    booking.refresh_from_db()
    assert booking.status == BookingStatus.BOOKED and gift_card_balance(gift_card) == 0


def test_the_toggle_off_hides_the_pages(clinic, signed_in, gift_card, full_policy, held):
    features_update(clinic=clinic, gift_cards=False)
    assert signed_in.get("/gift-cards/").status_code == 404
    assert host_client(clinic).post("/gift-cards/balance/", {"code": "X"}).status_code == 404
    booking = held("10:00")
    assert "gift card" not in signed_in.get(f"/book/pay/{booking.reference}/").content.decode()
