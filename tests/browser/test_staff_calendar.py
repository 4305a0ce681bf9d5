"""A staff member's day in the admin, in a real browser: find a client, pin a note, and
reschedule their booking by dragging it on the calendar."""

import datetime
import zoneinfo

import pytest
from playwright.sync_api import expect

from booking_api.models import TimeOff
from booking_api.services import booking_create
from branding.services import policy_update
from tests.factories.booking import ServiceFactory, StaffFactory
from tests.factories.clients import PASSWORD, ClientAccountFactory, MembershipFactory, UserFactory
from tests.fixtures.browser import clinic_url

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

DESKTOP = {"width": 1400, "height": 1000}
LONDON = zoneinfo.ZoneInfo("Europe/London")


@pytest.fixture
def desktop(browser):
    context = browser.new_context(viewport=DESKTOP, locale="en-GB")
    page = context.new_page()
    page.set_default_timeout(20_000)
    yield page
    context.close()


def at(day, hhmm):
    return datetime.datetime.combine(day, datetime.time.fromisoformat(hhmm), tzinfo=LONDON)


@pytest.fixture
def day(clinic):
    """A working day a week ahead, with a small team and a few bookings."""
    policy_update(clinic=clinic, min_notice_minutes=0, max_advance_days=365)
    day = datetime.datetime.now(LONDON).date() + datetime.timedelta(days=7)
    facial = ServiceFactory(
        clinic=clinic, key="facial", name="Signature facial", duration_minutes=60, colour="mint"
    )
    peel = ServiceFactory(
        clinic=clinic, key="peel", name="Glow peel", duration_minutes=45, colour="peach"
    )
    zara = StaffFactory(
        clinic=clinic, key="zara", display_name="Zara Okafor", services=[facial, peel]
    )
    tom = StaffFactory(
        clinic=clinic, key="tom", display_name="Tom Fletcher", services=[facial, peel]
    )
    TimeOff.objects.create(
        staff=tom, start=at(day, "13:00"), end=at(day, "15:00"), reason="Training"
    )
    others = [
        ClientAccountFactory(clinic=clinic, user=UserFactory(first_name=first, last_name=last))
        for first, last in (("Amara", "Cole"), ("Ben", "Ito"), ("Chloé", "Durand"))
    ]
    for client, staff, service, hhmm in (
        (others[0], zara, peel, "09:00"),
        (others[1], tom, facial, "10:00"),
        (others[2], tom, peel, "11:30"),
        (others[0], tom, facial, "16:00"),
    ):
        booking_create(
            clinic=clinic,
            client=client,
            service=service,
            staff=staff,
            start=at(day, hhmm),
            source="staff",
        )
    return day, zara, tom, facial


def test_staff_find_a_client_pin_a_note_and_drag_their_booking(
    live_server, clinic, day, desktop, shot
):
    day, zara, tom, facial = day
    nina = ClientAccountFactory(
        clinic=clinic, user=UserFactory(first_name="Nina", last_name="Marsh")
    )
    booking = booking_create(
        clinic=clinic,
        client=nina,
        service=facial,
        staff=zara,
        start=at(day, "10:00"),
        source="staff",
    )
    staff = MembershipFactory(clinic=clinic, role="staff").user

    desktop.goto(clinic_url(live_server, clinic, "/admin/login/"))
    desktop.get_by_label("Email").fill(staff.email)
    desktop.get_by_label("Password").fill(PASSWORD)
    desktop.get_by_role("button", name="Sign in").click()
    expect(desktop).to_have_url(clinic_url(live_server, clinic, "/admin/"))

    # Clients → search → the client's account.
    desktop.goto(clinic_url(live_server, clinic, "/admin/clinic/clients/"))
    desktop.get_by_role("searchbox").first.fill("nina mar")
    desktop.get_by_role("searchbox").first.press("Enter")
    desktop.get_by_role("link", name="Nina Marsh").first.click()
    expect(desktop.get_by_role("heading", name="Nina Marsh").first).to_be_visible()

    # A pinned note, shown first to every staff member.
    desktop.get_by_role("tab", name="Notes").click()
    desktop.get_by_label("New note").fill("Prefers the quiet room")
    desktop.get_by_label("Pin it").check()
    desktop.get_by_role("button", name="Add note").click()
    expect(desktop.locator("[data-pinned-notes]")).to_contain_text("Prefers the quiet room")

    # The calendar: drag Nina's facial from 10:00 to 14:00.
    desktop.goto(
        clinic_url(live_server, clinic, f"/admin/bookings/calendar/?date={day.isoformat()}")
    )
    box = desktop.locator(f"[data-booking='{booking.pk}']")
    expect(box).to_contain_text("10:00–11:00")
    track = desktop.locator(f".cal-column[data-staff='{zara.pk}'] [data-track]")
    first_hour = int(desktop.locator("[data-calendar]").get_attribute("data-first-hour"))
    y = (14 - first_hour) * 60  # one pixel per minute from the grid's first hour
    box.drag_to(track, source_position={"x": 10, "y": 2}, target_position={"x": 30, "y": y + 2})

    expect(desktop.locator("[data-calendar-status]")).to_contain_text("Moved to")
    expect(box).to_contain_text("14:00–15:00")
    booking.refresh_from_db()
    assert booking.start == at(day, "14:00")

    # Still there after a reload.
    desktop.reload()
    box = desktop.locator(f"[data-booking='{booking.pk}']")
    expect(box).to_contain_text("14:00–15:00")
    shot(desktop, "admin-calendar")

    # Dropped onto Tom's training: refused, explained, and the box stays where it was.
    toms = desktop.locator(f".cal-column[data-staff='{tom.pk}'] [data-track]")
    y = (13 - first_hour) * 60 + 30
    box.drag_to(toms, source_position={"x": 10, "y": 2}, target_position={"x": 30, "y": y + 2})
    # The front desk may override with a reason; keeping it where it was changes nothing.
    override = desktop.get_by_role("dialog", name="Move it anyway?")
    expect(override).to_contain_text("not one of the offered")
    override.get_by_role("button", name="Keep it where it was").click()
    expect(desktop.locator("[data-calendar-status]")).to_contain_text("not one of the offered")
    expect(
        desktop.locator(f".cal-column[data-staff='{zara.pk}'] [data-booking='{booking.pk}']")
    ).to_contain_text("14:00–15:00")
    booking.refresh_from_db()
    assert (booking.start, booking.staff) == (at(day, "14:00"), zara)
