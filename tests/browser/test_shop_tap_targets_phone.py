"""Issue 19, tried on a 390 px phone: the shop's quantity boxes and its "My orders" link,
the packages page's History and Receipt links and the orders list's links were 17–30 px
tall. Every link, button and field a patient taps on the shop, My orders, Packages and
Memberships pages is at least 44 × 44 px, measured from the rendered boxes (with the
History opened, so what it shows is measured too). These pages are also the README's
pictures (``SAVE_SCREENSHOTS=1``)."""

import pytest
from playwright.sync_api import expect

from commerce.models import Product
from commerce.orders.services import order_place
from commerce.packages.services import package_buy_start
from commerce.purchases import purchase_confirm
from tests.factories.commerce import MembershipPlanFactory
from tests.fixtures.browser import clinic_url, patient_sign_in, small_tap_targets

pytestmark = [
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.usefixtures("stripe_at_localstripe"),
]


@pytest.fixture
def shopper(clinic, patient, plan, serum, member, agreement):
    """The patient bought a package and an order online, has an order awaiting payment
    and is a member of Glow club (another plan on sale); the clinic sells all four."""
    Product.objects.create(clinic=clinic, name="Sunscreen SPF 50", price=1850)
    MembershipPlanFactory(clinic=clinic, name="Glow plus", price=6000, agreement=agreement)
    bought = package_buy_start(clinic=clinic, client=patient, plan_id=plan.pk)
    purchase_confirm(purchase=bought, payment_method="success")
    paid = order_place(clinic=clinic, client=patient, items=[{"product": serum.pk, "quantity": 1}])
    purchase_confirm(purchase=paid.purchase, payment_method="success")
    order_place(clinic=clinic, client=patient, items=[{"product": serum.pk, "quantity": 2}])
    return patient.user


def assert_all_tappable(page):
    small, measured = small_tap_targets(page)
    assert measured, f"nothing to tap on {page.url}"
    assert not small, f"under 44 × 44 px on {page.url}: {small}"


def test_every_control_on_the_shop_pages_is_a_44px_tap_target_on_a_phone(
    live_server, clinic, shopper, phone, shot, axe
):
    assert phone.viewport_size["width"] == 390
    patient_sign_in(phone, live_server, clinic, shopper)

    phone.goto(clinic_url(live_server, clinic, "/shop/"))
    expect(phone.get_by_label("Quantity of Vitamin C serum")).to_be_visible()
    assert_all_tappable(phone)
    axe(phone)
    shot(phone, "shop-phone")

    phone.get_by_role("link", name="My orders").click()
    expect(phone.locator("[data-orders]")).to_contain_text("1 × Vitamin C serum")
    expect(phone.locator("[data-awaiting-orders]")).to_contain_text("2 × Vitamin C serum")
    assert_all_tappable(phone)
    axe(phone)
    shot(phone, "orders-phone")

    phone.goto(clinic_url(live_server, clinic, "/packages/"))
    expect(phone.locator("[data-purchases]")).to_contain_text("Three consultations")
    phone.get_by_text("History", exact=True).click()
    expect(phone.locator("[data-package] details li").first).to_be_visible()
    assert_all_tappable(phone)
    axe(phone)
    shot(phone, "packages-phone")

    phone.goto(clinic_url(live_server, clinic, "/memberships/"))
    expect(phone.locator("[data-your-plan]")).to_contain_text("Your plan")
    assert_all_tappable(phone)
    axe(phone)
    shot(phone, "memberships-phone")
