"""The calendar's quick view in a real browser: resting the mouse on a booking opens a
small dialog (client, pet, service, time in the clinic's zone, status, staff, phone,
markers; Open, Move), Esc closes it; on a tablet a tap opens it instead of following
the link and never picks the booking up. axe-core clean with the dialog open. Also the
new-booking form's staff list following the chosen service."""

import pytest
from playwright.sync_api import expect

from booking_api.models import Booking
from people.services import note_create
from tests.browser import test_calendar_touch_resize_month as gestures
from tests.factories.booking import ServiceFactory, StaffFactory
from tests.factories.clients import MembershipFactory
from tests.fixtures.browser import clinic_url

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

# The gesture tests' day (Zara: Nina's facial at 10:00, Ben's peel at 12:30) and pages.
desktop, tablet, diary = gestures.desktop, gestures.tablet, gestures.diary
at, open_day, sign_in = gestures.at, gestures.open_day, gestures.sign_in


def test_hovering_a_booking_shows_its_quick_view(live_server, clinic, diary, desktop, axe, shot):
    day, zara, facial, peel = diary
    facial.client.phone = "+447700900123"
    facial.client.save()
    note_create(
        clinic=clinic,
        account=facial.client,
        author=MembershipFactory(clinic=clinic, role="manager").user,
        body="Prefers the quiet room",
        pinned=True,
    )
    sign_in(desktop, live_server, clinic)
    open_day(desktop, live_server, clinic, day)
    box = desktop.locator(f"[data-booking='{facial.pk}']")
    box.hover()
    dialog = desktop.get_by_role("dialog", name="Nina Marsh")
    expect(dialog).to_be_visible()
    expect(dialog).to_contain_text("Signature facial")
    expect(dialog).to_contain_text("10:00–11:00")
    expect(dialog).to_contain_text("Zara Okafor")
    expect(dialog).to_contain_text("+447700900123")
    expect(dialog).to_contain_text("Prefers the quiet room")
    expect(dialog.get_by_role("link", name="Open")).to_have_attribute(
        "href", f"/admin/bookings/calendar/{facial.pk}/"
    )
    expect(dialog.get_by_role("link", name="Move")).to_be_visible()
    shot(desktop, "admin-calendar-quick-view")
    axe(desktop)

    desktop.keyboard.press("Escape")
    expect(dialog).to_be_hidden()

    # Another booking: the dialog follows the mouse.
    desktop.locator(f"[data-booking='{peel.pk}']").hover()
    expect(desktop.get_by_role("dialog", name="Ben Ito")).to_be_visible()
    expect(desktop.get_by_role("dialog")).to_contain_text("12:30–13:15")

    # A mouse click still opens the booking.
    box.click()
    expect(desktop).to_have_url(
        clinic_url(live_server, clinic, f"/admin/bookings/calendar/{facial.pk}/")
    )


def test_tapping_a_booking_shows_its_quick_view_without_moving_it(
    live_server,
    clinic,
    diary,
    tablet,
    axe,
):
    day, zara, facial, peel = diary
    sign_in(tablet, live_server, clinic)
    open_day(tablet, live_server, clinic, day)
    calendar_url = tablet.url
    box = tablet.locator(f"[data-booking='{facial.pk}']")
    box.scroll_into_view_if_needed()
    box.tap()
    dialog = tablet.get_by_role("dialog", name="Nina Marsh")
    expect(dialog).to_be_visible()
    expect(dialog).to_be_focused()
    expect(dialog).to_contain_text("10:00–11:00")
    assert tablet.url == calendar_url  # the tap did not follow the link
    assert Booking.objects.get(pk=facial.pk).start == at(day, "10:00")  # nor start a drag
    axe(tablet)

    tablet.keyboard.press("Escape")
    expect(dialog).to_be_hidden()
    expect(box).to_be_focused()

    dialog_open = tablet.get_by_role("dialog")
    box.tap()
    expect(dialog_open).to_be_visible()
    dialog_open.get_by_role("button", name="Close").tap()
    expect(dialog_open).to_be_hidden()


def test_the_staff_list_follows_the_chosen_service(live_server, clinic, diary, desktop):
    day, zara, facial, peel = diary
    laser = ServiceFactory(clinic=clinic, key="laser", name="Laser hair removal")
    StaffFactory(clinic=clinic, key="lena", display_name="Lena Park", services=[laser])
    sign_in(desktop, live_server, clinic)
    desktop.goto(clinic_url(live_server, clinic, "/admin/bookings/calendar/new/"))
    staff = desktop.get_by_label("Staff member")
    desktop.get_by_label("Service").select_option(label="Laser hair removal")
    expect(staff.locator("option")).to_have_text(["---------", "Lena Park"])
    desktop.get_by_label("Service").select_option(label="Signature facial")
    expect(staff.locator("option")).to_have_text(["---------", "Zara Okafor"])


def test_book_anyway_after_hours_with_a_reason(live_server, clinic, diary, desktop, axe):
    day, zara, facial, peel = diary
    nina = facial.client
    sign_in(desktop, live_server, clinic)
    desktop.goto(
        clinic_url(
            live_server,
            clinic,
            f"/admin/bookings/calendar/new/?client={nina.pk}&service={facial.service_id}"
            f"&staff={zara.pk}&date={day.isoformat()}&time=18:00",
        )
    )
    book_anyway = desktop.get_by_label("Book anyway (outside the offered times)")
    expect(book_anyway).to_be_visible()
    axe(desktop)

    # Without ticking it: refused, nothing written.
    desktop.get_by_role("button", name="Book", exact=True).click()
    expect(desktop.get_by_text("not one of the offered slots")).to_be_visible()
    assert not Booking.objects.filter(start=at(day, "18:00")).exists()

    # Ticked, with a reason: booked, the reason kept.
    desktop.get_by_label("Book anyway (outside the offered times)").check()
    desktop.get_by_label("Reason for booking outside the offered times").fill(
        "Only time she can make it"
    )
    desktop.get_by_role("button", name="Book", exact=True).click()
    expect(desktop.get_by_text("Booked Signature facial for Nina Marsh")).to_be_visible()
    booking = Booking.objects.get(start=at(day, "18:00"))
    assert booking.override_reason == "Only time she can make it"
