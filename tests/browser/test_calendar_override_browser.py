"""Dragging a booking onto a time the engine does not offer, as the front desk: instead
of a flat refusal the calendar asks for a reason and, given one, makes the move as an
override (services/overrides.py) — kept on the booking, shown on the appointment page
and in the quick view, and in the client's audit trail. Cancelling leaves it alone."""

import pytest
from playwright.sync_api import expect

from booking_api.models import Booking
from people.models import AuditEntry
from tests.browser import test_calendar_touch_resize_month as gestures
from tests.fixtures.browser import clinic_url

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

desktop, diary = gestures.desktop, gestures.diary
at, open_day, sign_in = gestures.at, gestures.open_day, gestures.sign_in


def drag_onto(page, box, track, hhmm):
    first_hour = int(page.locator("[data-calendar]").get_attribute("data-first-hour"))
    hours, minutes = (int(part) for part in hhmm.split(":"))
    y = (hours - first_hour) * 60 + minutes  # one pixel per minute from the first hour
    box.drag_to(track, source_position={"x": 10, "y": 2}, target_position={"x": 30, "y": y + 2})


def test_dragging_onto_a_time_not_offered_asks_for_a_reason_and_overrides(
    live_server, clinic, diary, desktop, shot
):
    day, zara, facial, peel = diary
    sign_in(desktop, live_server, clinic)
    open_day(desktop, live_server, clinic, day)
    box = desktop.locator(f"[data-booking='{facial.pk}']")
    track = desktop.locator(f".cal-column[data-staff='{zara.pk}'] [data-track]")

    # Onto Ben's peel at 12:30 (Zara is busy then): asked, and "keep it" changes nothing.
    drag_onto(desktop, box, track, "12:30")
    dialog = desktop.get_by_role("dialog", name="Move it anyway?")
    expect(dialog).to_be_visible()
    in_the_way = "Zara Okafor already has Ben Ito's booking at 12:30"
    expect(dialog).to_contain_text(in_the_way)
    dialog.get_by_role("button", name="Keep it where it was").click()
    expect(dialog).to_be_hidden()
    expect(desktop.locator("[data-calendar-status]")).to_contain_text(in_the_way)
    facial.refresh_from_db()
    assert facial.start == at(day, "10:00") and facial.override_reason == ""
    expect(box).to_contain_text("10:00–11:00")

    # Again, with a reason this time (an empty one is asked for first).
    drag_onto(desktop, box, track, "12:30")
    expect(dialog).to_be_visible()
    dialog.get_by_role("button", name="Move anyway").click()
    expect(dialog).to_contain_text("Give a reason")
    facial.refresh_from_db()
    assert facial.start == at(day, "10:00")
    dialog.get_by_label("Reason for booking outside the offered times").fill(
        "Nina can only come at lunch; Ben's peel is short"
    )
    expect(dialog).not_to_contain_text("Give a reason")  # no stale error once typed
    shot(desktop, "admin-calendar-override-reason")
    dialog.get_by_role("button", name="Move anyway").click()
    expect(dialog).to_be_hidden()
    status = desktop.locator("[data-calendar-status]")
    expect(status).to_contain_text("Moved to")
    expect(status).to_contain_text("Nina can only come at lunch")
    expect(box).to_contain_text("12:30–13:30")

    facial.refresh_from_db()
    assert facial.start == at(day, "12:30")
    assert facial.override_reason == "Nina can only come at lunch; Ben's peel is short"
    assert Booking.objects.get(pk=peel.pk).start == at(day, "12:30")  # double-booked
    assert facial.events.filter(kind="availability_overridden").exists()
    audit = AuditEntry.objects.filter(client=facial.client, summary__startswith="Moved").get()
    assert "Nina can only come at lunch" in audit.summary

    # The quick view and the appointment page show why.
    box.hover()
    quick = desktop.get_by_role("dialog", name="Nina Marsh")
    expect(quick).to_contain_text("Nina can only come at lunch")
    desktop.goto(clinic_url(live_server, clinic, f"/admin/bookings/calendar/{facial.pk}/"))
    expect(desktop.locator("[data-booking-override]")).to_have_text(
        "Nina can only come at lunch; Ben's peel is short"
    )
