"""The staff calendar's newer gestures and views in a real browser: service colours with
the status as a stripe, changing a booking's duration by dragging its bottom edge (mouse),
moving and resizing with a finger on a tablet (long press, touch events through the
DevTools protocol), and the month view's navigation; axe-core clean."""

import datetime
import zoneinfo

import pytest
from playwright.sync_api import expect

from booking_api.models import Booking
from booking_api.services import booking_create
from branding.services import policy_update
from tests.factories.booking import ServiceFactory, StaffFactory
from tests.factories.clients import PASSWORD, ClientAccountFactory, MembershipFactory, UserFactory
from tests.fixtures.browser import clinic_url

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

LONDON = zoneinfo.ZoneInfo("Europe/London")
TABLET = {"width": 1024, "height": 1366}


def at(day, hhmm):
    return datetime.datetime.combine(day, datetime.time.fromisoformat(hhmm), tzinfo=LONDON)


@pytest.fixture
def desktop(browser):
    context = browser.new_context(viewport={"width": 1400, "height": 1000}, locale="en-GB")
    page = context.new_page()
    page.set_default_timeout(20_000)
    yield page
    context.close()


@pytest.fixture
def tablet(browser):
    context = browser.new_context(
        viewport=TABLET, has_touch=True, is_mobile=True, device_scale_factor=1, locale="en-GB"
    )
    page = context.new_page()
    page.set_default_timeout(20_000)
    yield page
    context.close()


@pytest.fixture
def diary(clinic):
    """A day a week ahead: Zara does a facial for Nina at 10:00 and a peel for Ben at 12:30."""
    policy_update(clinic=clinic, min_notice_minutes=0, max_advance_days=365)
    day = datetime.datetime.now(LONDON).date() + datetime.timedelta(days=7)
    facial = ServiceFactory(
        clinic=clinic, key="facial", name="Signature facial", duration_minutes=60, colour="mint"
    )
    peel = ServiceFactory(clinic=clinic, key="peel", name="Glow peel", duration_minutes=45)
    zara = StaffFactory(
        clinic=clinic, key="zara", display_name="Zara Okafor", services=[facial, peel]
    )
    nina = ClientAccountFactory(
        clinic=clinic, user=UserFactory(first_name="Nina", last_name="Marsh")
    )
    ben = ClientAccountFactory(clinic=clinic, user=UserFactory(first_name="Ben", last_name="Ito"))
    facial_booking = booking_create(
        clinic=clinic,
        client=nina,
        service=facial,
        staff=zara,
        start=at(day, "10:00"),
        source="staff",
    )
    peel_booking = booking_create(
        clinic=clinic, client=ben, service=peel, staff=zara, start=at(day, "12:30"), source="staff"
    )
    return day, zara, facial_booking, peel_booking


def sign_in(page, live_server, clinic):
    staff = MembershipFactory(clinic=clinic, role="staff").user
    page.goto(clinic_url(live_server, clinic, "/admin/login/"))
    page.get_by_label("Email").fill(staff.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page).to_have_url(clinic_url(live_server, clinic, "/admin/"))


def open_day(page, live_server, clinic, day):
    page.goto(clinic_url(live_server, clinic, f"/admin/bookings/calendar/?date={day.isoformat()}"))


def test_service_colours_and_resizing_with_the_mouse(live_server, clinic, diary, desktop, axe):
    day, zara, facial, peel = diary
    sign_in(desktop, live_server, clinic)
    open_day(desktop, live_server, clinic, day)
    box = desktop.locator(f"[data-booking='{facial.pk}']")
    expect(box).to_contain_text("10:00–11:00")
    # The service's colour fills the box; the status is its stripe (and in the legend).
    assert "svc-mint" in box.get_attribute("class")
    assert "status-booked" in box.get_attribute("class")
    assert "svc-default" in desktop.locator(f"[data-booking='{peel.pk}']").get_attribute("class")
    expect(desktop.locator("[data-service-legend]")).to_contain_text("Signature facial")
    axe(desktop)

    # Drag the bottom edge down half an hour: 10:00–11:30.
    edge = box.bounding_box()
    x, bottom = edge["x"] + edge["width"] / 2, edge["y"] + edge["height"] - 3
    desktop.mouse.move(x, bottom)
    desktop.mouse.down()
    desktop.mouse.move(x, bottom + 15, steps=3)
    desktop.mouse.move(x, bottom + 30, steps=3)
    desktop.mouse.up()
    expect(desktop.locator("[data-calendar-status]")).to_contain_text("Now 10:00–11:30")
    expect(box).to_contain_text("10:00–11:30")
    facial.refresh_from_db()
    assert facial.end == at(day, "11:30")

    # Into Ben's peel at 12:30: the front desk is asked whether to override; keeping it
    # as it was explains the refusal, and the box springs back.
    edge = box.bounding_box()
    x, bottom = edge["x"] + edge["width"] / 2, edge["y"] + edge["height"] - 3
    desktop.mouse.move(x, bottom)
    desktop.mouse.down()
    desktop.mouse.move(x, bottom + 90, steps=5)
    desktop.mouse.up()
    override = desktop.get_by_role("dialog", name="Change the duration anyway?")
    expect(override).to_contain_text("overlap Ben Ito")
    expect(override.get_by_role("button", name="Change it anyway")).to_be_visible()
    override.get_by_role("button", name="Keep it where it was").click()
    expect(desktop.locator("[data-calendar-status]")).to_contain_text("overlap Ben Ito")
    assert box.bounding_box()["height"] == pytest.approx(90, abs=1)
    facial.refresh_from_db()
    assert facial.end == at(day, "11:30")
    # A plain click on the box still opens the appointment.
    box.locator("strong").click()
    expect(desktop.locator("[data-duration-form]")).to_be_visible()


def touch(cdp, kind, x=None, y=None):
    points = [] if kind == "touchEnd" else [{"x": x, "y": y}]
    cdp.send("Input.dispatchTouchEvent", {"type": kind, "touchPoints": points})


def test_moving_and_resizing_with_a_finger_on_a_tablet(live_server, clinic, diary, tablet):
    day, zara, facial, peel = diary
    sign_in(tablet, live_server, clinic)
    open_day(tablet, live_server, clinic, day)
    box = tablet.locator(f"[data-booking='{facial.pk}']")
    expect(box).to_contain_text("10:00–11:00")
    box.scroll_into_view_if_needed()
    cdp = tablet.context.new_cdp_session(tablet)

    # A quick swipe over the booking scrolls; it does not pick the booking up.
    edge = box.bounding_box()
    x, y = edge["x"] + 20, edge["y"] + 10
    touch(cdp, "touchStart", x, y)
    for step in range(1, 6):
        touch(cdp, "touchMove", x, y + step * 20)
    touch(cdp, "touchEnd")
    assert Booking.objects.get(pk=facial.pk).start == at(day, "10:00")

    # Press and hold, then drag an hour down: 11:00–12:00.
    box.scroll_into_view_if_needed()
    edge = box.bounding_box()
    x, y = edge["x"] + 20, edge["y"] + 10
    touch(cdp, "touchStart", x, y)
    tablet.wait_for_timeout(700)  # the long press (400 ms) that picks the booking up
    for step in range(1, 7):
        touch(cdp, "touchMove", x, y + step * 10)
    touch(cdp, "touchEnd")
    expect(tablet.locator("[data-calendar-status]")).to_contain_text("Moved to")
    expect(box).to_contain_text("11:00–12:00")
    assert Booking.objects.get(pk=facial.pk).start == at(day, "11:00")

    # The bottom edge follows a finger at once: 11:00–12:15.
    edge = box.bounding_box()
    x, bottom = edge["x"] + edge["width"] / 2, edge["y"] + edge["height"] - 4
    touch(cdp, "touchStart", x, bottom)
    for step in range(1, 4):
        touch(cdp, "touchMove", x, bottom + step * 5)
    touch(cdp, "touchEnd")
    expect(tablet.locator("[data-calendar-status]")).to_contain_text("Now 11:00–12:15")
    assert Booking.objects.get(pk=facial.pk).end == at(day, "12:15")


def test_the_month_view_and_its_navigation(live_server, clinic, diary, desktop, axe, shot):
    day, zara, facial, peel = diary
    sign_in(desktop, live_server, clinic)
    open_day(desktop, live_server, clinic, day)
    desktop.get_by_role("link", name="Month", exact=True).click()
    title = day.strftime("%B %Y")
    expect(desktop.locator("[data-calendar-range]")).to_contain_text(title)
    cell = desktop.locator(f"[data-month-day='{day.isoformat()}']")
    expect(cell.locator("[data-month-count]")).to_have_text("2 bookings")
    expect(cell).to_contain_text("10:00 Nina Marsh")
    expect(cell).to_contain_text("12:30 Ben Ito")
    axe(desktop)
    shot(desktop, "admin-calendar-month")

    desktop.get_by_role("link", name="Next month").click()
    following = (day.replace(day=1) + datetime.timedelta(days=32)).replace(day=1)
    expect(desktop.locator("[data-calendar-range]")).to_contain_text(following.strftime("%B %Y"))
    desktop.get_by_role("link", name="Previous month").click()
    expect(desktop.locator("[data-calendar-range]")).to_contain_text(title)

    # A day opens that day.
    desktop.locator(f"[data-month-day='{day.isoformat()}'] a.cal-month-date").click()
    expect(desktop.locator(f"[data-booking='{facial.pk}']")).to_contain_text("10:00–11:00")
    assert "view=day" in desktop.url and day.isoformat() in desktop.url


def test_a_drop_snaps_to_the_engines_grid_from_the_start_of_the_working_day(
    live_server, clinic, diary, desktop
):
    """Sam works from 09:10: the engine offers 09:10, 09:25, 09:40, 09:55…, so a drop near
    10:00 lands on 09:55, not on a round 10:00 that would be refused."""
    day, zara, facial, peel = diary
    sam = StaffFactory(
        clinic=clinic,
        key="sam",
        display_name="Sam Reid",
        services=[facial.service],
        hours={d: [("09:10", "17:00")] for d in range(7)},
    )
    sign_in(desktop, live_server, clinic)
    open_day(desktop, live_server, clinic, day)
    box = desktop.locator(f"[data-booking='{facial.pk}']")
    track = desktop.locator(f".cal-column[data-staff='{sam.pk}'] [data-track]")
    first_hour = int(desktop.locator("[data-calendar]").get_attribute("data-first-hour"))
    y = (10 - first_hour) * 60 + 1
    box.drag_to(track, source_position={"x": 10, "y": 2}, target_position={"x": 30, "y": y + 2})
    expect(desktop.locator("[data-calendar-status]")).to_contain_text("Moved to")
    expect(box).to_contain_text("09:55–10:55")
    facial.refresh_from_db()
    assert (facial.start, facial.staff) == (at(day, "09:55"), sam)
