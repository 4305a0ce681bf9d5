"""Issue 19, tried on a 390 px phone: the shop's quantity boxes and its "My orders" link,
the packages page's History and Receipt links and the orders list's links were 17–30 px
tall. Every link, button and field a patient taps on the shop, My orders, Packages and
Memberships pages is at least 44 × 44 px, measured from the rendered boxes (with the
History opened, so what it shows is measured too). These pages are also the README's
pictures (``SAVE_SCREENSHOTS=1``)."""

import pytest
from playwright.sync_api import expect

from branding.services import features_update
from commerce.memberships.services import membership_join
from commerce.models import Product
from commerce.orders.services import order_place
from commerce.packages.services import package_buy_start
from commerce.purchases import purchase_confirm
from tests.factories.clients import PASSWORD, ClientAccountFactory, UserFactory
from tests.factories.commerce import MembershipPlanFactory, PackagePlanFactory
from tests.factories.forms import FormTemplateFactory
from tests.fixtures.browser import clinic_url, small_tap_targets
from tests.fixtures.forms import sign

pytestmark = [
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.usefixtures("stripe_at_localstripe"),
]


@pytest.fixture
def olivia(clinic, service):
    """Olivia bought a package and an order online, has an order awaiting payment and
    is a member of Glow club; the clinic sells all four."""
    features_update(clinic=clinic, orders=True, packages=True, memberships=True)
    user = UserFactory(email="olivia@example.com", first_name="Olivia")
    patient = ClientAccountFactory(clinic=clinic, user=user)
    serum = Product.objects.create(clinic=clinic, name="Vitamin C serum", price=3000, stock=5)
    Product.objects.create(clinic=clinic, name="Sunscreen SPF 50", price=1850)
    plan = PackagePlanFactory(
        clinic=clinic, name="Three consultations", sessions=3, price=10000, services=[service]
    )
    purchase_confirm(
        purchase=package_buy_start(clinic=clinic, client=patient, plan_id=plan.pk),
        payment_method="success",
    )
    paid = order_place(clinic=clinic, client=patient, items=[{"product": serum.pk, "quantity": 1}])
    purchase_confirm(purchase=paid.purchase, payment_method="success")
    order_place(clinic=clinic, client=patient, items=[{"product": serum.pk, "quantity": 2}])
    agreement = FormTemplateFactory(clinic=clinic, title="Membership agreement")
    club = MembershipPlanFactory(
        clinic=clinic,
        name="Glow club",
        price=3000,
        discount_percent=10,
        credits_per_period=1,
        credit_services=[service],
        agreement=agreement,
    )
    MembershipPlanFactory(
        clinic=clinic, name="Glow plus", price=6000, discount_percent=20, agreement=agreement
    )
    sign(agreement, patient)
    membership_join(clinic=clinic, client=patient, plan_id=club.pk, payment_method="success")
    return user


def assert_all_tappable(page):
    small, measured = small_tap_targets(page)
    assert measured, f"nothing to tap on {page.url}"
    assert not small, f"under 44 × 44 px on {page.url}: {small}"


def test_every_control_on_the_shop_pages_is_a_44px_tap_target_on_a_phone(
    live_server, clinic, olivia, phone, shot, axe
):
    assert phone.viewport_size["width"] == 390
    phone.goto(clinic_url(live_server, clinic, "/accounts/login/"))
    phone.get_by_label("Email").fill(olivia.email)
    phone.get_by_label("Password").fill(PASSWORD)
    phone.get_by_role("button", name="Sign in").click()
    expect(phone.get_by_role("heading", name="Welcome, Olivia")).to_be_visible()

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
