"""Gift cards on a phone: a patient buys one for a friend with a test card, the friend's
email carries the code, and the code pays part of a booking at its checkout — the rest
by card — with the card's balance down to what is left."""

import datetime
import re

import pytest
from django.core import mail
from django.utils import timezone
from playwright.sync_api import expect

from booking_api.models import Booking, BookingStatus
from branding.models import PaymentMode
from branding.services import features_update, policy_update
from commerce.giftcards.selectors import gift_card_balance
from commerce.models import GiftCard
from tests.factories.booking import ServiceFactory, StaffFactory
from tests.factories.clients import PASSWORD, ClientAccountFactory, UserFactory
from tests.fixtures.booking import add_booking, at, local_day
from tests.fixtures.browser import clinic_url

pytestmark = [
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.usefixtures("stripe_at_localstripe"),
]


@pytest.fixture
def held(clinic):
    """Olivia's £45.00 consultation, held for payment in full; gift cards on sale."""
    features_update(clinic=clinic, gift_cards=True)
    policy_update(clinic=clinic, payment_mode=PaymentMode.FULL)
    consult = ServiceFactory(clinic=clinic, key="consult", name="Skin consultation", price=4500)
    zara = StaffFactory(clinic=clinic, key="zara", display_name="Zara Okafor", services=[consult])
    user = UserFactory(email="olivia@example.com", first_name="Olivia")
    patient = ClientAccountFactory(clinic=clinic, user=user)
    return add_booking(
        clinic,
        patient,
        consult,
        zara,
        at(local_day(6), "10:00"),
        BookingStatus.PENDING_PAYMENT,
        hold_expires_at=timezone.now() + datetime.timedelta(minutes=10),
    )


def fits_the_screen(page):
    width = page.evaluate("() => document.documentElement.scrollWidth")
    assert width <= page.viewport_size["width"], f"{width}px wide on {page.url}"


def test_buy_a_gift_card_on_a_phone_and_pay_with_it_at_checkout(
    live_server, clinic, held, phone, shot, axe
):
    phone.goto(clinic_url(live_server, clinic, "/accounts/login/"))
    phone.get_by_label("Email").fill("olivia@example.com")
    phone.get_by_label("Password").fill(PASSWORD)
    phone.get_by_role("button", name="Sign in").click()
    expect(phone.get_by_role("heading", name="Welcome back, Olivia")).to_be_visible()

    phone.get_by_role("link", name="More").click()  # the phone's tab bar → the account menu
    phone.get_by_role("link", name="Gift cards").click()
    expect(phone.get_by_role("heading", name="Gift cards", exact=True)).to_be_visible()
    phone.get_by_label("Amount").fill("20")
    phone.get_by_label("Recipient's name").fill("Jane Doe")
    phone.get_by_label("Recipient's email").fill("jane@example.com")
    phone.get_by_label("Message (optional)").fill("Treat yourself!")
    axe(phone)
    fits_the_screen(phone)
    shot(phone, "gift-card-buy")
    phone.get_by_role("button", name="Continue to payment").click()
    phone.get_by_role("button", name="4242 4242 4242 4242").click()
    expect(phone.get_by_text("Thank you: your payment went through.")).to_be_visible()
    expect(phone.locator("[data-gift-cards-bought]")).to_contain_text("£20.00 left")

    (to_jane,) = [m for m in mail.outbox if m.to == ["jane@example.com"]]
    code = re.search(r"[A-Z0-9]{4}(?:-[A-Z0-9]{4}){3}", to_jane.body).group(0)
    card = GiftCard.objects.get()
    assert gift_card_balance(card) == 2000

    phone.goto(clinic_url(live_server, clinic, f"/book/pay/{held.reference}/"))
    phone.get_by_label("Pay with a gift card").fill(code.lower())
    phone.get_by_role("button", name="Apply").last.click()
    expect(phone.locator(".checkout-amounts")).to_contain_text("−£20.00")
    expect(phone.locator(".checkout-amounts")).to_contain_text("£25.00")
    axe(phone)
    fits_the_screen(phone)
    shot(phone, "gift-card-checkout")
    phone.get_by_role("button", name="4242 4242 4242 4242").click()
    expect(phone.get_by_role("heading", name="You're booked!")).to_be_visible()
    assert Booking.objects.get().status == BookingStatus.BOOKED
    assert gift_card_balance(card) == 0
