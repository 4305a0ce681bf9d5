"""Orders on a phone: a patient opens the shop from the account menu, orders two of a
product, pays with a test card and lands on the order's page, received; the order is in
the history beside appointments."""

import pytest
from playwright.sync_api import expect

from branding.services import features_update
from commerce.models import Order, OrderStatus, Product
from tests.factories.clients import PASSWORD, ClientAccountFactory, UserFactory
from tests.fixtures.browser import clinic_url

pytestmark = [
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.usefixtures("stripe_at_localstripe"),
]


@pytest.fixture
def shop(clinic):
    features_update(clinic=clinic, orders=True)
    user = UserFactory(email="olivia@example.com", first_name="Olivia")
    ClientAccountFactory(clinic=clinic, user=user)
    Product.objects.create(clinic=clinic, name="Vitamin C serum", price=3000, stock=5)
    Product.objects.create(clinic=clinic, name="Sunscreen SPF 50", price=1850)
    return clinic


def fits_the_screen(page):
    width = page.evaluate("() => document.documentElement.scrollWidth")
    assert width <= page.viewport_size["width"], f"{width}px wide on {page.url}"


def test_a_patient_orders_a_product_on_a_phone(live_server, clinic, shop, phone, shot, axe):
    assert phone.viewport_size["width"] == 390
    phone.goto(clinic_url(live_server, clinic, "/accounts/login/"))
    phone.get_by_label("Email").fill("olivia@example.com")
    phone.get_by_label("Password").fill(PASSWORD)
    phone.get_by_role("button", name="Sign in").click()
    expect(phone.get_by_role("heading", name="Welcome, Olivia")).to_be_visible()

    phone.get_by_role("link", name="More").click()
    phone.get_by_role("link", name="Shop", exact=True).click()
    expect(phone.get_by_role("heading", name="Shop", exact=True)).to_be_visible()
    phone.get_by_label("Quantity of Vitamin C serum").fill("2")
    axe(phone)
    fits_the_screen(phone)
    shot(phone, "order-shop")
    phone.get_by_role("button", name="Continue to payment").click()
    expect(phone.get_by_text("£60.00").first).to_be_visible()
    phone.get_by_role("button", name="4242 4242 4242 4242").click()
    expect(phone.get_by_text("Thank you: your payment went through.")).to_be_visible()
    expect(phone.locator("[data-order-status]")).to_contain_text("Received")
    axe(phone)
    fits_the_screen(phone)
    shot(phone, "order-received")
    order = Order.objects.get()
    assert (order.status, order.total) == (OrderStatus.PLACED, 6000)
    assert Product.objects.get(name="Vitamin C serum").stock == 3

    phone.goto(clinic_url(live_server, clinic, "/bookings/history/"))
    expect(phone.locator("[data-orders]")).to_contain_text("2 × Vitamin C serum")
