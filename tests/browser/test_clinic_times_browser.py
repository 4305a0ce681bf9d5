"""Times and dates as a London receptionist sees them in a browser set to American
English in California: the clinic's wall clock and the clinic's dd/mm/yyyy, never the
browser's (or the server's) zone or mm/dd/yyyy picker."""

import datetime
import zoneinfo

import pytest
from playwright.sync_api import expect

from branding.services import policy_update
from tests.factories.booking import ServiceFactory, StaffFactory
from tests.factories.clients import PASSWORD, ClientAccountFactory, MembershipFactory, UserFactory
from tests.fixtures.booking import add_booking
from tests.fixtures.browser import clinic_url

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

LONDON = zoneinfo.ZoneInfo("Europe/London")


@pytest.fixture
def american_browser(browser):
    context = browser.new_context(
        viewport={"width": 1400, "height": 1000},
        locale="en-US",
        timezone_id="America/Los_Angeles",
    )
    page = context.new_page()
    page.set_default_timeout(20_000)
    yield page
    context.close()


def test_london_times_and_a_dd_mm_yyyy_picker_in_an_american_browser(
    live_server, clinic, american_browser, axe
):
    page = american_browser
    policy_update(clinic=clinic, min_notice_minutes=0, max_advance_days=365)
    facial = ServiceFactory(clinic=clinic, name="Signature facial", duration_minutes=60)
    zara = StaffFactory(clinic=clinic, display_name="Zara Okafor", services=[facial])
    client = ClientAccountFactory(
        clinic=clinic, user=UserFactory(first_name="Amara", last_name="Cole")
    )
    # A summer day (BST: 10:00 in London is 09:00 UTC and 02:00 in California).
    today = datetime.datetime.now(LONDON).date()
    day = next(
        today + datetime.timedelta(days=n)
        for n in range(7, 380)
        if (today + datetime.timedelta(days=n)).month == 7
    )
    start = datetime.datetime.combine(day, datetime.time(10), tzinfo=LONDON)
    booking = add_booking(clinic, client, facial, zara, start)
    manager = MembershipFactory(clinic=clinic, role="manager").user

    page.goto(clinic_url(live_server, clinic, "/admin/login/"))
    page.get_by_label("Email").fill(manager.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()

    page.goto(clinic_url(live_server, clinic, f"/admin/clinic/clients/{client.pk}/"))
    next_visit = page.locator("[data-next-appointment]")
    expect(next_visit).to_contain_text(f"{day.day} {day:%b} {day.year}, 10:00")
    expect(next_visit).not_to_contain_text("09:00")

    page.goto(clinic_url(live_server, clinic, f"/admin/bookings/calendar/{booking.pk}/move/"))
    date = page.locator("input[name=date]")
    expect(date).to_have_value(f"{day:%d/%m/%Y}")
    expect(date).to_have_attribute("placeholder", "dd/mm/yyyy")
    axe(page)
    # Wagtail's picker opens on the field and writes the chosen day in the clinic's order.
    date.click()
    picker = page.locator(".xdsoft_datetimepicker:visible")
    expect(picker).to_be_visible()
    later = day + datetime.timedelta(days=1)
    picker.locator(
        f'td.xdsoft_date[data-date="{later.day}"][data-month="{later.month - 1}"]'
        f'[data-year="{later.year}"]'
    ).click()
    expect(date).to_have_value(f"{later:%d/%m/%Y}")
    page.locator("input[name=time]").fill("11:00")
    page.get_by_role("button", name="Move").click()
    moved = f"Moved to {later:%a}, {later.day} {later:%b} {later.year}, 11:00"
    expect(page.get_by_text(moved)).to_be_visible()
    booking.refresh_from_db()
    assert booking.start == datetime.datetime.combine(later, datetime.time(11), tzinfo=LONDON)
