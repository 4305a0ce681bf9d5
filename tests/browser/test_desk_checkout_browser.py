"""The desk checkout in a real browser: a receptionist opens "Checkout" from the
appointment page, adds a product from the shop and a tip, takes part in cash and the
rest on the card on file (localstripe), and completes it; the page and the appointment
then say paid, and axe-core finds nothing serious on the checkout screen."""

import datetime

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from booking_api.models import BookingStatus
from commerce.models import CheckoutStatus, DeskCheckout, Product
from payments import test_cards
from payments.customers import card_save, customer_ensure
from payments.models import Payment, PaymentMethod
from tests.factories.booking import ServiceFactory, StaffFactory
from tests.factories.clients import ClientAccountFactory, MembershipFactory, UserFactory
from tests.fixtures.booking import add_booking
from tests.fixtures.browser import clinic_url, staff_sign_in
from tests.fixtures.people import confirm_email

pytestmark = [
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.usefixtures("stripe_at_localstripe"),
]


@pytest.fixture
def desktop(browser):
    context = browser.new_context(viewport={"width": 1400, "height": 1000}, locale="en-GB")
    page = context.new_page()
    page.set_default_timeout(20_000)
    yield page
    context.close()


def settled(page):
    """Wagtail's message banner fades in: contrast is measured once it has."""
    page.wait_for_function(
        "Array.from(document.querySelectorAll('.messages, .messages *'))"
        ".every(el => el.getAnimations().every(a => a.playState !== 'running'))"
    )
    return page


def test_a_receptionist_checks_out_a_visit_part_cash_rest_on_the_card(
    live_server, clinic, desktop, axe, shot
):
    facial = ServiceFactory(clinic=clinic, name="Facial", duration_minutes=60, price=6000)
    user = UserFactory(first_name="Ada", last_name="Lovelace")
    confirm_email(user)
    ada = ClientAccountFactory(clinic=clinic, user=user)
    customer = customer_ensure(client=ada)
    card_save(
        client=ada,
        customer=customer,
        payment_method_id=test_cards.test_card_payment_method("success", clinic=clinic),
    )
    Product.objects.create(clinic=clinic, name="Vitamin C serum", price=3000, stock=5)
    start = timezone.now().replace(second=0, microsecond=0) - datetime.timedelta(minutes=50)
    booking = add_booking(
        clinic,
        ada,
        facial,
        StaffFactory(clinic=clinic, display_name="Zara", services=[facial]),
        start,
        status=BookingStatus.STARTED,
    )
    receptionist = MembershipFactory(clinic=clinic, role="staff").user

    staff_sign_in(desktop, live_server, clinic, receptionist)
    desktop.goto(clinic_url(live_server, clinic, f"/admin/bookings/calendar/{booking.pk}/"))
    desktop.get_by_role("link", name="Checkout").click()
    expect(desktop.locator("[data-total]")).to_have_text("£60.00")

    desktop.get_by_label("Product").select_option(label="Vitamin C serum · £30.00")
    desktop.get_by_role("button", name="Add the product").click()
    desktop.get_by_label("Tip amount").fill("5")
    desktop.get_by_role("button", name="Save the tip").click()
    expect(desktop.locator("[data-total]")).to_have_text("£95.00")
    shot(desktop, "admin-desk-checkout")
    axe(settled(desktop))

    desktop.get_by_label("Paid by").select_option("cash")
    desktop.get_by_label("Amount", exact=True).fill("40")
    desktop.get_by_role("button", name="Take the payment").click()
    expect(desktop.locator("[data-due]")).to_have_text("£55.00")
    desktop.get_by_label("Paid by").select_option("card_on_file")
    desktop.get_by_label("Amount", exact=True).fill("55.00")
    desktop.get_by_role("button", name="Take the payment").click()
    expect(desktop.locator("[data-due]")).to_have_text("£0.00")
    desktop.get_by_role("button", name="Complete and email the receipt").click()
    expect(desktop.locator("[data-checkout-completed]")).to_be_visible()
    axe(settled(desktop))

    assert DeskCheckout.objects.get().status == CheckoutStatus.COMPLETED
    methods = sorted(Payment.objects.values_list("method", "amount_captured"))
    assert methods == [(PaymentMethod.CARD, 5500), (PaymentMethod.CASH, 4000)]
    desktop.get_by_role("link", name="Back to the appointment").click()
    expect(desktop.locator("[data-payment-status]")).to_have_text("Paid")


def test_a_client_without_a_card_pays_cash_with_a_note_and_gets_change(
    live_server, clinic, desktop, axe
):
    """Found by a receptionist: "Card on file" was chosen for a client with no card, and a
    £50 note for a £42.50 visit was refused."""
    peel = ServiceFactory(clinic=clinic, name="Peel", duration_minutes=30, price=4250)
    user = UserFactory(first_name="Grace", last_name="Hopper")
    confirm_email(user)
    grace = ClientAccountFactory(clinic=clinic, user=user)
    start = timezone.now().replace(second=0, microsecond=0) - datetime.timedelta(minutes=40)
    booking = add_booking(
        clinic,
        grace,
        peel,
        StaffFactory(clinic=clinic, display_name="Zara", services=[peel]),
        start,
        status=BookingStatus.STARTED,
    )
    receptionist = MembershipFactory(clinic=clinic, role="staff").user

    staff_sign_in(desktop, live_server, clinic, receptionist)
    desktop.goto(clinic_url(live_server, clinic, f"/admin/desk/{booking.pk}/"))
    paid_by = desktop.get_by_label("Paid by")
    expect(paid_by).to_have_value("cash")
    expect(paid_by.locator("option[value=card_on_file]")).to_have_count(0)
    desktop.get_by_label("Amount", exact=True).fill("50")
    desktop.get_by_role("button", name="Take the payment").click()
    expect(desktop.locator("[data-due]")).to_have_text("£0.00")
    expect(desktop.locator("[data-tender-change]")).to_have_text(
        "Cash tendered £50.00 · Change £7.50"
    )
    axe(settled(desktop))
    assert list(Payment.objects.values_list("method", "amount_captured")) == [
        (PaymentMethod.CASH, 4250)
    ]
