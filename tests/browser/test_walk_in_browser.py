"""The desk adds a walk-in known by phone only and lands on booking them in (issue 12)."""

import pytest
from playwright.sync_api import expect

from people.models import ClientAccount
from tests.factories.clients import PASSWORD, MembershipFactory
from tests.fixtures.browser import clinic_url

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


@pytest.fixture
def desktop(browser):
    context = browser.new_context(viewport={"width": 1400, "height": 1000}, locale="en-GB")
    page = context.new_page()
    page.set_default_timeout(20_000)
    yield page
    context.close()


def test_staff_add_a_phone_only_client_and_land_on_booking_them(live_server, clinic, desktop, axe):
    staff = MembershipFactory(clinic=clinic, role="staff").user
    page = desktop
    page.goto(clinic_url(live_server, clinic, "/admin/login/"))
    page.get_by_label("Email").fill(staff.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.goto(clinic_url(live_server, clinic, "/admin/clinic/clients/invite/"))
    page.get_by_label("First name").fill("Wanda")
    page.get_by_label("Last name").fill("Walkin")
    page.get_by_label("Phone").fill("07700 900123")
    # Nothing asked for by email: no invitation, no address.
    expect(page.get_by_label("Send an invitation email")).not_to_be_checked()
    page.get_by_role("button", name="Save and book").click()

    expect(page).to_have_url(
        clinic_url(live_server, clinic, "/admin/bookings/calendar/new/")
        + "?client="
        + str(ClientAccount.objects.get(phone="+447700900123").pk)
    )
    chosen = page.locator("[data-chosen-client]")
    expect(chosen).to_contain_text("Wanda Walkin")
    expect(chosen).to_contain_text("+447700900123")
    expect(page.get_by_text("Wanda Walkin is added (no email sent).")).to_be_visible()
    account = ClientAccount.objects.get(phone="+447700900123")
    assert account.user.email is None
    axe(page)
