"""Short bookings (15–30 minutes) on the calendar, in a real browser: one compact line
where the client and the service are readable — not cut to a few letters behind the
time range — at a readable size; the box's title (and the quick view) keeps the full
text."""

import pytest
from playwright.sync_api import expect

from booking_api.services import booking_create
from tests.browser import test_calendar_touch_resize_month as gestures
from tests.factories.booking import ServiceFactory, StaffFactory
from tests.factories.clients import ClientAccountFactory, UserFactory
from tests.fixtures.browser import clinic_url

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

desktop, diary = gestures.desktop, gestures.diary
at, open_day, sign_in = gestures.at, gestures.open_day, gestures.sign_in


@pytest.fixture
def short_day(clinic, diary):
    """The gesture tests' day, with a third and fourth colleague (narrower columns) and
    a 15-minute brow tint and a 30-minute consultation."""
    day, zara, facial, peel = diary
    brows = ServiceFactory(clinic=clinic, name="Brow tint", duration_minutes=15, colour="rose")
    consult = ServiceFactory(
        clinic=clinic, name="Skin consultation", duration_minutes=30, colour="sky"
    )
    zara.services.add(brows, consult)
    for name in ("Tom Fletcher", "Uma Patel"):
        StaffFactory(clinic=clinic, display_name=name, services=[brows])
    client = ClientAccountFactory(
        clinic=clinic, user=UserFactory(first_name="Priya", last_name="Raman")
    )
    made = [
        booking_create(
            clinic=clinic,
            client=client,
            service=service,
            staff=zara,
            start=at(day, hhmm),
            source="staff",
        )
        for service, hhmm in ((brows, "14:00"), (consult, "15:00"))
    ]
    return day, made


def shown_whole(locator):
    """Whether the element is on screen with its text not cut (no ellipsis)."""
    return locator.evaluate(
        "e => e.getClientRects().length > 0 && e.clientWidth > 0"
        " && e.scrollWidth <= e.clientWidth + 1"
    )


def font_size(locator):
    return locator.evaluate("e => parseFloat(getComputedStyle(e).fontSize)")


def check_box(box, client_text, service, *, client_part):
    client = box.locator(client_part)
    name = box.locator("[data-event-service]")
    expect(client).to_have_text(client_text)
    expect(name).to_have_text(service)
    assert client.bounding_box()["width"] > 1, f"{client_text} is not shown"
    for part in (box.locator("[data-event-client]"), name):
        assert shown_whole(part), f"{service}: {part.inner_text()!r} is cut or hidden"
        assert font_size(part) >= 12, f"{service}: too small to read"
    # one line: client and service side by side, inside the box
    client_box, name_box, outer = client.bounding_box(), name.bounding_box(), box.bounding_box()
    assert abs(client_box["y"] - name_box["y"]) < 4
    assert name_box["x"] > client_box["x"]
    assert name_box["y"] + name_box["height"] <= outer["y"] + outer["height"] + 1
    # the full text on hover, and for screen readers
    title = box.get_attribute("title")
    assert "Priya Raman" in title and service in title
    expect(box.locator("[data-event-client-full]")).to_have_text("Priya Raman")


def test_short_bookings_show_client_and_service_readably_on_one_line(
    live_server, clinic, short_day, desktop, axe
):
    day, (brows, consult) = short_day
    sign_in(desktop, live_server, clinic)

    # The day view (wide columns): the whole name and the service, and the time.
    open_day(desktop, live_server, clinic, day)
    for booking, service in ((brows, "Brow tint"), (consult, "Skin consultation")):
        box = desktop.locator(f"[data-booking='{booking.pk}']")
        check_box(box, "Priya Raman", service, client_part="[data-event-client-full]")
        assert shown_whole(box.locator("[data-event-time]"))
    axe(desktop)

    # The week view (a column per person and day, about 130 px): "Priya R." · the
    # service, with room for both rather than the time range.
    desktop.goto(
        clinic_url(
            live_server, clinic, f"/admin/bookings/calendar/?view=week&date={day.isoformat()}"
        )
    )
    box = desktop.locator(f"[data-booking='{brows.pk}']")
    box.scroll_into_view_if_needed()
    assert box.bounding_box()["width"] < 160  # really a narrow column
    check_box(box, "Priya R.", "Brow tint", client_part="[data-event-client-short]")
    consult_box = desktop.locator(f"[data-booking='{consult.pk}']")
    assert shown_whole(consult_box.locator("[data-event-client]"))
    # a long service name is cut, but still shows a readable part of it
    assert consult_box.locator("[data-event-service]").bounding_box()["width"] >= 40
    axe(desktop)
