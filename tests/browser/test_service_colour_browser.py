"""The service form's calendar colour, in a real browser: every named colour shows its
swatch (the calendar's own tint), the chosen one is marked and previewed as a booking
box, the preview follows a new choice at once, and the choice is saved."""

import pytest
from playwright.sync_api import expect

from booking_api.models import Service, ServiceColour
from tests.factories.booking import ServiceFactory
from tests.factories.clients import PASSWORD, MembershipFactory
from tests.fixtures.browser import clinic_url

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

# calendar.css's tints (.svc-<name>), as the browser computes them.
TINTS = {
    "mint": "rgb(205, 238, 219)",
    "peach": "rgb(255, 220, 199)",
    "": "rgb(230, 233, 239)",  # no colour: the default grey
}


def background(locator):
    return locator.evaluate("element => getComputedStyle(element).backgroundColor")


def test_the_service_form_shows_each_colour_and_previews_the_chosen_one(
    live_server, clinic, browser, axe
):
    facial = ServiceFactory(clinic=clinic, name="Signature facial", colour="mint")
    manager = MembershipFactory(clinic=clinic, role="manager").user
    context = browser.new_context(viewport={"width": 1400, "height": 1000}, locale="en-GB")
    page = context.new_page()
    page.set_default_timeout(20_000)
    page.goto(clinic_url(live_server, clinic, "/admin/login/"))
    page.get_by_label("Email").fill(manager.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.goto(clinic_url(live_server, clinic, "/admin/bookings/services/"))
    page.get_by_role("link", name="Signature facial").first.click()

    picker = page.locator("[data-colour-picker]")
    expect(picker.get_by_role("radio")).to_have_count(len(ServiceColour.choices) + 1)
    for value, label in [("mint", "Mint"), ("peach", "Peach"), ("", "Default (grey)")]:
        option = picker.locator("label", has_text=label)
        assert background(option.locator("[data-colour-swatch]")) == TINTS[value], label
    expect(picker.get_by_role("radio", name="Mint")).to_be_checked()
    preview = picker.locator("[data-colour-preview]")
    expect(preview).to_contain_text("Mint")
    assert background(preview) == TINTS["mint"]
    axe(page)

    picker.get_by_role("radio", name="Peach").check()
    expect(preview).to_contain_text("Peach")
    assert background(preview) == TINTS["peach"]
    page.get_by_role("button", name="Save").first.click()
    expect(page.get_by_text("Signature facial").first).to_be_visible()
    assert Service.objects.get(pk=facial.pk).colour == "peach"
    context.close()
