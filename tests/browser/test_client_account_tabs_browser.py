"""The client account page in a real browser at a 1280 px and a 1024 px screen: the
Overview comes first with its alerts; the dozen-odd tabs sit under groups, and neither
the groups' row nor any group's row of tabs wraps or overflows; the tabs work from the
keyboard (arrows, Home, End) and from a link to "#tab-<key>"; axe-core finds no serious
violation."""

import pytest
from playwright.sync_api import expect

from branding.services import features_update
from records.medical.services import medical_history_update
from tests.factories.clients import PASSWORD, ClientAccountFactory, MembershipFactory, UserFactory
from tests.factories.records import PetFactory
from tests.fixtures.browser import clinic_url

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

FITS = """(list) => {
    const tabs = [...list.querySelectorAll('[role=tab]')];
    const tops = new Set(tabs.map((t) => Math.round(t.getBoundingClientRect().top)));
    const last = tabs[tabs.length - 1].getBoundingClientRect();
    return {overflow: list.scrollWidth - list.clientWidth, rows: tops.size,
            inside: last.right <= list.getBoundingClientRect().right + 1,
            page: document.documentElement.scrollWidth - document.documentElement.clientWidth};
}"""


def assert_fits(page, tablist):
    fit = tablist.evaluate(FITS)
    assert fit["overflow"] <= 0 and fit["rows"] == 1 and fit["inside"], fit
    assert fit["page"] <= 0, fit


@pytest.mark.parametrize("width", [1280, 1024])
def test_the_tabs_fit_and_work_from_the_keyboard(live_server, clinic, browser, axe, shot, width):
    features_update(
        clinic=clinic, pets=True, selfies=True, rewards=True, packages=True, gift_cards=True
    )
    zoe = ClientAccountFactory(
        clinic=clinic,
        user=UserFactory(first_name="Zoë", last_name="Ångström-Fitzwilliam"),
        phone="+447700900123",
    )
    manager = MembershipFactory(clinic=clinic, role="manager").user
    # With pets on, medical history is a pet's; the Overview names the pet.
    nori = PetFactory(owner=zoe, name="Nori")
    medical_history_update(clinic=clinic, client=zoe, pet=nori, author=manager, allergies="Latex")

    context = browser.new_context(viewport={"width": width, "height": 900}, locale="en-GB")
    page = context.new_page()
    page.set_default_timeout(20_000)
    page.goto(clinic_url(live_server, clinic, "/admin/login/"))
    page.get_by_label("Email").fill(manager.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.goto(clinic_url(live_server, clinic, f"/admin/clinic/clients/{zoe.pk}/"))

    overview = page.locator('[data-account-tab="overview"]')
    expect(overview).to_be_visible()
    expect(overview.locator('[data-alert="allergies"]')).to_contain_text("Latex")
    groups = page.get_by_role("tablist", name="Client account sections")
    assert_fits(page, groups)
    axe(page)
    if width == 1280:
        shot(page, "admin-client-overview")

    # Every group's own row of tabs fits too.
    for trigger in groups.get_by_role("tab").all():
        trigger.click()
        expect(trigger).to_have_attribute("aria-selected", "true")
        key = trigger.get_attribute("data-group-trigger")
        panel = page.locator(f'[data-group-panel="{key}"]')
        expect(panel).to_be_visible()
        row = panel.locator("[role=tablist]")
        if row.count():
            assert_fits(page, row)
            expect(row.locator("[aria-selected=true]")).to_have_count(1)
    axe(page)

    # The keyboard: arrows move along the groups and choose, Home and End jump.
    first = groups.get_by_role("tab").first
    first.click()
    first.press("ArrowRight")
    visits = groups.get_by_role("tab", name="Visits")
    expect(visits).to_be_focused()
    expect(visits).to_have_attribute("aria-selected", "true")
    expect(page.locator('[data-account-tab="appointments"]')).to_be_visible()
    expect(overview).to_be_hidden()
    visits.press("End")
    expect(groups.get_by_role("tab", name="Admin")).to_be_focused()
    page.keyboard.press("Home")
    expect(first).to_be_focused()
    # …and along a group's tabs.
    client_tabs = page.get_by_role("tablist", name="Client")
    client_tabs.get_by_role("tab", name="Overview").focus()
    page.keyboard.press("ArrowRight")
    details = client_tabs.get_by_role("tab", name="Details")
    expect(details).to_be_focused()
    expect(page.locator("#id_client_phone")).to_be_visible()

    # A link to a tab (as after a loyalty action) opens its group at that tab, its panel
    # fetched (only the chosen tab comes with the page).
    page.goto(clinic_url(live_server, clinic, f"/admin/clinic/clients/{zoe.pk}/#tab-loyalty"))
    expect(page.locator('[data-account-tab="loyalty"]')).to_be_visible()
    expect(page.locator('[data-account-tab="loyalty"] [data-loyalty-balance]')).to_be_visible()
    expect(groups.get_by_role("tab", name="Money")).to_have_attribute("aria-selected", "true")
    # The Overview's links go to their tab on the same page.
    page.goto(clinic_url(live_server, clinic, f"/admin/clinic/clients/{zoe.pk}/"))
    overview.locator('[data-alert="allergies"] a').click()
    expect(page.locator('[data-account-tab="medical"]')).to_be_visible()
    expect(page.locator('[data-account-tab="medical"] [data-tab-placeholder]')).to_have_count(0)
    expect(overview).to_be_hidden()
    # After an action the page comes back at its tab, rendered by the server.
    page.goto(
        clinic_url(live_server, clinic, f"/admin/clinic/clients/{zoe.pk}/?tab=notes#tab-notes")
    )
    expect(page.locator('[data-account-tab="notes"]')).to_be_visible()
    expect(page.locator('[data-account-tab="notes"] [data-tab-placeholder]')).to_have_count(0)
    expect(groups.get_by_role("tab", name="Client")).to_have_attribute("aria-selected", "true")
    context.close()
