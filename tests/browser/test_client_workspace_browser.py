"""The client workspace in a real browser: results appear as the receptionist types
(no Enter), and a contact detail is saved when the field is left — a bad phone is
explained beside the field and nothing is saved, a good one is stored in E.164."""

import pytest
from playwright.sync_api import expect

from tests.factories.clients import PASSWORD, ClientAccountFactory, MembershipFactory, UserFactory
from tests.fixtures.browser import clinic_url

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


@pytest.fixture
def desktop(browser):
    context = browser.new_context(viewport={"width": 1400, "height": 1000}, locale="en-GB")
    page = context.new_page()
    page.set_default_timeout(20_000)
    yield page
    context.close()


def test_live_search_and_inline_phone_edit(live_server, clinic, desktop, shot):
    zoe = ClientAccountFactory(
        clinic=clinic,
        user=UserFactory(first_name="Zoë", last_name="Ångström"),
        phone="+447700900123",
    )
    ClientAccountFactory(
        clinic=clinic, user=UserFactory(first_name="Bob", last_name="Smith"), phone="+447700900456"
    )
    staff = MembershipFactory(clinic=clinic, role="staff").user

    desktop.goto(clinic_url(live_server, clinic, "/admin/login/"))
    desktop.get_by_label("Email").fill(staff.email)
    desktop.get_by_label("Password").fill(PASSWORD)
    desktop.get_by_role("button", name="Sign in").click()
    desktop.goto(clinic_url(live_server, clinic, "/admin/clinic/clients/"))

    results = desktop.locator("#client-results")
    expect(results).to_contain_text("Bob Smith")
    # Typed as people say it, without the accents: the list narrows as they type.
    desktop.locator("#id_q").press_sequentially("zoe angst", delay=30)
    expect(results).not_to_contain_text("Bob Smith")
    expect(results).to_contain_text("Zoë Ångström")
    desktop.locator("#id_q").fill("")
    desktop.locator("#id_q").press_sequentially("07700 900123", delay=30)
    expect(results).not_to_contain_text("Bob Smith")
    shot(desktop, "admin-client-search")

    results.get_by_role("link", name="Zoë Ångström").click()
    # The contact editor is the Details tab (the Overview comes first).
    desktop.get_by_role("tab", name="Details").click()
    phone = desktop.locator("#id_client_phone")
    status = desktop.locator("[data-field-status='phone']")

    phone.fill("12")
    phone.press("Tab")
    expect(status).to_contain_text("not a possible phone number")
    zoe.refresh_from_db()
    assert zoe.phone == "+447700900123"

    phone.fill("07700 900999")
    phone.press("Tab")
    expect(status).to_contain_text("Saved")
    expect(phone).to_have_value("+447700900999")
    zoe.refresh_from_db()
    assert zoe.phone == "+447700900999"
    shot(desktop, "admin-client-account")
