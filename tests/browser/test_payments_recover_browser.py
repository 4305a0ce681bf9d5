"""Issue 19, payments that recover, on a phone: an unpaid hold shows "Awaiting payment"
with a Pay button; a declined card keeps the time held and another card pays; the card
that asks for authentication shows its 3-D Secure step."""

import datetime

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from booking_api.models import Booking, BookingStatus
from branding.models import PaymentMode
from branding.services import policy_update
from payments.models import Payment, PaymentStatus
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
    """Olivia's consultation, held for her deposit (20% of £45.00)."""
    policy_update(clinic=clinic, payment_mode=PaymentMode.DEPOSIT, deposit_percent=20)
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


def sign_in(page, live_server, clinic):
    page.goto(clinic_url(live_server, clinic, "/accounts/login/"))
    page.get_by_label("Email").fill("olivia@example.com")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", name="Welcome back, Olivia")).to_be_visible()


def fits_the_screen(page):
    width = page.evaluate("() => document.documentElement.scrollWidth")
    assert width <= page.viewport_size["width"], f"{width}px wide on {page.url}"


def test_after_a_declined_card_another_card_pays_on_a_phone(
    live_server, clinic, held, phone, shot, axe
):
    sign_in(phone, live_server, clinic)
    phone.goto(clinic_url(live_server, clinic, "/bookings/"))
    card = phone.locator(".booking.awaiting-payment")
    expect(card.get_by_text("Awaiting payment")).to_be_visible()
    expect(card.get_by_role("link", name="Add to calendar")).to_have_count(0)
    axe(phone)
    card.get_by_role("link", name="Pay", exact=True).click()

    expect(phone.get_by_role("heading", name="Pay to confirm your booking")).to_be_visible()
    phone.get_by_role("button", name="4000 0000 0000 0341").click()
    alert = phone.get_by_role("alert")
    expect(alert).to_contain_text("Your card was declined.")
    expect(alert).to_contain_text("more minutes")
    shot(phone, "checkout-declined")
    axe(phone)
    fits_the_screen(phone)
    assert Booking.objects.get().status == BookingStatus.PENDING_PAYMENT

    phone.get_by_role("button", name="4242 4242 4242 4242").click()
    expect(phone.get_by_role("heading", name="You're booked!")).to_be_visible()
    assert Booking.objects.get().status == BookingStatus.BOOKED
    assert Payment.objects.get().status == PaymentStatus.SUCCEEDED


def test_the_authentication_card_shows_its_3d_secure_step_on_a_phone(
    live_server, clinic, held, phone, shot, axe
):
    sign_in(phone, live_server, clinic)
    phone.goto(clinic_url(live_server, clinic, f"/book/pay/{held.reference}/"))
    phone.get_by_role("button", name="4000 0025 0000 3155").click()
    expect(phone.get_by_role("heading", name="Confirm with your bank")).to_be_visible()
    shot(phone, "checkout-3ds")
    axe(phone)
    fits_the_screen(phone)
    phone.get_by_role("button", name="Complete authentication").click()
    expect(phone.get_by_role("heading", name="You're booked!")).to_be_visible()
    assert Booking.objects.get().status == BookingStatus.BOOKED


def test_a_declined_card_is_an_error_box_the_patient_is_taken_to_on_a_phone(
    live_server, clinic, held, phone, shot, axe
):
    """Found on a phone: the breakdown and the demo's test-card buttons looked unfinished,
    and a declined card was a line of text at the top. Now: a boxed breakdown, full-width
    test cards of 44px and more, and a styled alert that takes the focus."""
    sign_in(phone, live_server, clinic)
    phone.goto(clinic_url(live_server, clinic, f"/book/pay/{held.reference}/"))
    amounts = phone.locator(".checkout-amounts")
    expect(amounts.locator("tr.total")).to_contain_text("£9.00")
    due = amounts.locator("tr.total td").bounding_box()
    table = amounts.bounding_box()
    assert due["x"] + due["width"] >= table["x"] + table["width"] - 2  # amounts to the right
    assert amounts.evaluate("t => getComputedStyle(t).backgroundColor") != "rgba(0, 0, 0, 0)"
    panel = phone.locator(".test-cards-panel").bounding_box()
    buttons = phone.locator("button[name=card]")
    assert buttons.count() == 4
    for box in (buttons.nth(i).bounding_box() for i in range(4)):
        assert box["height"] >= 44 and box["width"] >= panel["width"] * 0.8, box
    fits_the_screen(phone)

    phone.get_by_role("button", name="4000 0000 0000 0002").click()
    alert = phone.get_by_role("alert")
    expect(alert).to_contain_text("Payment not taken")
    expect(alert).to_be_focused()
    style = alert.evaluate(
        "a => { const s = getComputedStyle(a); "
        "return [s.backgroundColor, s.borderLeftWidth, s.paddingLeft]; }"
    )
    assert style[0] != "rgba(0, 0, 0, 0)" and float(style[1][:-2]) >= 3, style
    assert float(style[2][:-2]) >= 12, style
    expect(alert).to_be_in_viewport()
    fits_the_screen(phone)
    shot(phone, "checkout-declined-alert")
    axe(phone)
