"""What staff click, in a real browser: the payments page's amount fields can be seen and
typed in, and an inline edit's error goes away once the value is put right."""

import datetime
import zoneinfo

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from people.services import note_create
from tests.factories.booking import ServiceFactory, StaffFactory
from tests.factories.clients import PASSWORD, ClientAccountFactory, MembershipFactory, UserFactory
from tests.fixtures.booking import add_booking
from tests.fixtures.browser import clinic_url

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


@pytest.fixture
def desktop(browser):
    context = browser.new_context(viewport={"width": 1400, "height": 1000}, locale="en-GB")
    page = context.new_page()
    page.set_default_timeout(20_000)
    yield page
    context.close()


def sign_in(page, live_server, clinic, user):
    page.goto(clinic_url(live_server, clinic, "/admin/login/"))
    page.get_by_label("Email").fill(user.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()


def visible_box(locator):
    """The field's own border and size, as drawn."""
    return locator.evaluate(
        """(el) => {
            const s = getComputedStyle(el);
            const r = el.getBoundingClientRect();
            return {border: parseFloat(s.borderTopWidth), style: s.borderTopStyle,
                    width: r.width, height: r.height};
        }"""
    )


def test_the_payment_amount_fields_are_drawn_like_every_other_field(
    live_server, clinic, desktop, axe
):
    staff = MembershipFactory(clinic=clinic, role="staff").user
    client = ClientAccountFactory(clinic=clinic, user=UserFactory(first_name="Ada"))
    service = ServiceFactory(clinic=clinic, name="Facial")
    booking = add_booking(
        clinic,
        client,
        service,
        StaffFactory(clinic=clinic, services=[service]),
        timezone.now() + datetime.timedelta(days=3),
    )
    sign_in(desktop, live_server, clinic, staff)
    desktop.goto(clinic_url(live_server, clinic, f"/admin/payments/bookings/{booking.pk}/"))
    # (Cancelling with a chosen refund has its own page now: booking_api's "Cancel booking…".)
    for field in ("#amount-charge-balance", "#amount-refund"):
        box = visible_box(desktop.locator(field))
        assert box["border"] >= 1 and box["style"] != "none", (field, box)
        assert box["width"] >= 150 and box["height"] >= 30, (field, box)
    refund = desktop.locator("#amount-refund")
    refund.fill("12.50")
    expect(refund).to_have_value("12.50")
    axe(desktop)


def test_an_inline_edit_error_goes_once_the_value_is_put_right(live_server, clinic, desktop):
    """A bad phone number is explained beside the field; putting the number back as it
    was (nothing to save) or typing a good one clears the explanation and the field's
    invalid state — no stale error next to a correct value."""
    zoe = ClientAccountFactory(
        clinic=clinic,
        user=UserFactory(first_name="Zoë", last_name="Ångström"),
        phone="+447700900123",
    )
    staff = MembershipFactory(clinic=clinic, role="staff").user
    sign_in(desktop, live_server, clinic, staff)
    desktop.goto(clinic_url(live_server, clinic, f"/admin/clinic/clients/{zoe.pk}/#tab-details"))
    phone = desktop.locator("#id_client_phone")
    status = desktop.locator("[data-field-status='phone']")

    phone.fill("12")
    phone.press("Tab")
    expect(status).to_contain_text("not a possible phone number")
    expect(phone).to_have_attribute("aria-invalid", "true")

    phone.fill("+447700900123")  # back to the saved number
    phone.press("Tab")
    expect(status).not_to_contain_text("not a possible phone number")
    expect(phone).not_to_have_attribute("aria-invalid", "true")

    phone.fill("12")
    phone.press("Tab")
    expect(status).to_contain_text("not a possible phone number")
    phone.fill("07700 900999")
    phone.press("Tab")
    expect(status).to_have_text("Saved")
    expect(phone).not_to_have_attribute("aria-invalid", "true")
    zoe.refresh_from_db()
    assert zoe.phone == "+447700900999"


def box_of(locator):
    return locator.evaluate(
        """(el) => { const r = el.getBoundingClientRect();
                     return {top: r.top, bottom: r.bottom, left: r.left, right: r.right,
                             width: r.width, height: r.height}; }"""
    )


def test_calendar_icons_have_a_size_and_short_bookings_show_client_and_service(
    live_server, clinic, desktop, shot
):
    """The notes icon is text-sized (it rendered 300×150 px and hid the client's name);
    a 15-minute booking still shows whose it is and what, and says it all on hover."""
    staff = MembershipFactory(clinic=clinic, role="staff").user
    zoe = ClientAccountFactory(clinic=clinic, user=UserFactory(first_name="Zoe", last_name="Adams"))
    note_create(clinic=clinic, account=zoe, author=staff, body="Prefers afternoons")
    quick = ServiceFactory(clinic=clinic, name="Brow tidy", duration_minutes=15)
    facial = ServiceFactory(clinic=clinic, name="Signature facial", duration_minutes=60)
    tess = StaffFactory(clinic=clinic, display_name="Tess", services=[quick, facial])
    day = timezone.localdate() + datetime.timedelta(days=3)
    tz = zoneinfo.ZoneInfo(clinic.timezone)
    short = add_booking(
        clinic, zoe, quick, tess, datetime.datetime.combine(day, datetime.time(9), tzinfo=tz)
    )
    long = add_booking(
        clinic, zoe, facial, tess, datetime.datetime.combine(day, datetime.time(11), tzinfo=tz)
    )
    sign_in(desktop, live_server, clinic, staff)
    desktop.goto(clinic_url(live_server, clinic, f"/admin/bookings/calendar/?date={day}"))

    for booking in (short, long):
        event = desktop.locator(f'[data-booking="{booking.pk}"]')
        icon = event.locator("[data-has-notes] svg")
        size = box_of(icon)
        assert size["width"] <= 20 and size["height"] <= 20, size
        frame = box_of(event)
        name = event.get_by_text("Zoe Adams")
        expect(name).to_be_visible()
        inside = box_of(name)
        assert frame["top"] <= inside["top"] and inside["bottom"] <= frame["bottom"] + 1, (
            frame,
            inside,
        )
        assert inside["left"] < frame["right"] - 20  # the name starts inside the box
        title = event.get_attribute("title")
        assert "Zoe Adams" in title and booking.service.name in title
    short_event = desktop.locator(f'[data-booking="{short.pk}"]')
    service = short_event.get_by_text("Brow tidy")
    service_box, frame = box_of(service), box_of(short_event)
    assert service_box["left"] < frame["right"] and service_box["bottom"] <= frame["bottom"] + 1
    shot(desktop, "admin-calendar-short-bookings")
