"""A manager changes the portal in the Wagtail admin and patients see it; every clinic
renders in its own branding at its own host name."""

import pytest
from playwright.sync_api import expect
from wagtail.images.models import Image
from wagtail.images.tests.utils import get_test_image_file

from booking_api.models import CartItem
from branding.selectors import clinic_branding
from branding.services import branding_update
from portal_pages.services import dashboard_cards_seed
from tests.factories.booking import ServiceFactory
from tests.factories.clients import PASSWORD, ClientAccountFactory, MembershipFactory, UserFactory
from tests.fixtures.browser import clinic_url

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

DESKTOP = {"width": 1280, "height": 900}


def sign_in(page, url, email):
    page.set_default_timeout(30_000)  # a first request on a loaded machine can be slow
    page.goto(url)
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()


@pytest.fixture
def desktop(browser):
    context = browser.new_context(viewport=DESKTOP, locale="en-GB")
    page = context.new_page()
    page.set_default_timeout(30_000)
    yield page
    context.close()


def test_a_manager_turns_the_cart_off_and_it_disappears(live_server, clinic, phone, desktop, shot):
    dashboard_cards_seed(clinic=clinic)
    patient = ClientAccountFactory(clinic=clinic, user=UserFactory(first_name="Petra"))
    facial = ServiceFactory(clinic=clinic, key="facial", name="Signature facial")
    CartItem.objects.create(client=patient, service=facial)
    manager = MembershipFactory(clinic=clinic, role="manager").user

    sign_in(phone, clinic_url(live_server, clinic, "/accounts/login/"), patient.user.email)
    expect(phone.locator(".card-cart").get_by_text("Signature facial")).to_be_visible()
    expect(phone.get_by_role("link", name="Saved", exact=True)).to_be_visible()

    # The manager, in the admin at the clinic's own domain: Settings → Features.
    desktop.goto(clinic_url(live_server, clinic, "/admin/login/"))
    desktop.get_by_label("Email").fill(manager.email)
    desktop.get_by_label("Password").fill(PASSWORD)
    desktop.get_by_role("button", name="Sign in").click()
    desktop.goto(
        clinic_url(
            live_server, clinic, f"/admin/settings/branding/featuresettings/{clinic.site_id}/"
        )
    )
    desktop.get_by_label("Cart of saved services").uncheck()
    desktop.get_by_role("button", name="Save").click()
    expect(desktop.get_by_text("saved", exact=False).first).to_be_visible()

    phone.reload()
    expect(phone.get_by_role("heading", name="Welcome, Petra")).to_be_visible()
    expect(phone.locator(".card-cart")).to_have_count(0)
    expect(phone.get_by_role("link", name="Saved", exact=True)).to_have_count(0)
    response = phone.goto(clinic_url(live_server, clinic, "/cart/"))
    assert response.status == 404


def test_the_admin_card_editor(live_server, clinic, desktop, shot):
    dashboard_cards_seed(clinic=clinic)
    manager = MembershipFactory(clinic=clinic, role="manager").user
    desktop.goto(clinic_url(live_server, clinic, "/admin/login/"))
    desktop.get_by_label("Email").fill(manager.email)
    desktop.get_by_label("Password").fill(PASSWORD)
    desktop.get_by_role("button", name="Sign in").click()
    desktop.goto(clinic_url(live_server, clinic, f"/admin/pages/{clinic.site.root_page_id}/edit/"))
    expect(desktop.get_by_text("Dashboard cards").first).to_be_visible()
    shot(desktop, "admin-card-editor")


def test_two_clinics_in_their_own_branding(live_server, clinic, other_clinic, phone, shot):
    branding_update(clinic=clinic, primary_color="#6b3fa0", accent_color="#d4a72c")
    branding_update(clinic=other_clinic, primary_color="#1f6f4a", accent_color="#f2c14e")
    logo = Image.objects.create(
        title="Riverside logo", file=get_test_image_file(size=(300, 96), colour="green")
    )
    branding = clinic_branding(other_clinic)
    branding.logo = logo
    branding.save()
    dashboard_cards_seed(clinic=clinic)
    dashboard_cards_seed(clinic=other_clinic)

    seen = {}
    for tenant in (clinic, other_clinic):
        phone.goto(clinic_url(live_server, tenant))
        if tenant == other_clinic:
            expect(phone.locator(".site-header .brand img")).to_have_attribute("alt", tenant.name)
        else:
            expect(phone.locator(".site-header .brand")).to_contain_text(tenant.name)
        seen[tenant.slug] = phone.evaluate(
            "() => getComputedStyle(document.documentElement)"
            ".getPropertyValue('--brand-primary').trim()"
        )
        manifest = phone.evaluate(
            "async () => (await fetch(document.querySelector('link[rel=manifest]').href)).json()"
        )
        assert manifest["name"] == tenant.name
        shot(phone, f"branding-{tenant.slug}")
    assert seen == {"glow": "#6b3fa0", "riverside": "#1f6f4a"}
