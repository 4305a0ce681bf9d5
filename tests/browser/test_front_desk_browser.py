"""The front desk in a real browser: the patient presses "I'm here" on their phone and
the desk sees them checked in; staff check a client in from the appointment page."""

import datetime

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from booking_api.models import BookingStatus
from tests.factories.booking import ServiceFactory, StaffFactory
from tests.factories.clients import PASSWORD, ClientAccountFactory, MembershipFactory, UserFactory
from tests.fixtures.booking import add_booking
from tests.fixtures.browser import clinic_url
from tests.fixtures.people import confirm_email

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


@pytest.fixture
def desktop(browser):
    context = browser.new_context(viewport={"width": 1400, "height": 1000}, locale="en-GB")
    page = context.new_page()
    page.set_default_timeout(20_000)
    yield page
    context.close()


@pytest.fixture
def facial(clinic):
    return ServiceFactory(clinic=clinic, name="Facial", duration_minutes=60)


@pytest.fixture
def ada(clinic):
    user = UserFactory(first_name="Ada", last_name="Lovelace")
    confirm_email(user)
    return ClientAccountFactory(clinic=clinic, user=user)


def in_minutes(minutes):
    return timezone.now().replace(second=0, microsecond=0) + datetime.timedelta(minutes=minutes)


def staff_sign_in(page, live_server, clinic, user):
    page.goto(clinic_url(live_server, clinic, "/admin/login/"))
    page.get_by_label("Email").fill(user.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()


def test_the_patient_checks_in_from_their_phone(live_server, clinic, phone, ada, facial, axe):
    booking = add_booking(
        clinic,
        ada,
        facial,
        StaffFactory(clinic=clinic, services=[facial]),
        in_minutes(20),
        status=BookingStatus.CONFIRMED,
    )
    phone.goto(clinic_url(live_server, clinic, "/accounts/login/"))
    phone.get_by_label("Email").fill(ada.user.email)
    phone.get_by_label("Password").fill(PASSWORD)
    phone.get_by_role("button", name="Sign in").click()
    phone.goto(clinic_url(live_server, clinic, "/bookings/"))
    phone.get_by_role("button", name="I'm here").click()
    expect(phone.get_by_text("You're checked in.")).to_be_visible()
    expect(phone.get_by_role("button", name="I'm here")).to_have_count(0)
    booking.refresh_from_db()
    assert booking.status == BookingStatus.ARRIVED
    axe(phone)


def test_staff_check_a_client_in_from_the_appointment_page(
    live_server, clinic, desktop, ada, facial
):
    staff = MembershipFactory(clinic=clinic, role="staff").user
    booking = add_booking(
        clinic,
        ada,
        facial,
        StaffFactory(clinic=clinic, services=[facial]),
        in_minutes(10),
        status=BookingStatus.CONFIRMED,
    )
    staff_sign_in(desktop, live_server, clinic, staff)
    desktop.goto(clinic_url(live_server, clinic, f"/admin/bookings/calendar/{booking.pk}/"))
    desktop.get_by_role("button", name="Check in").click()
    expect(desktop.locator("[data-booking-status]")).to_have_text("Checked in")
    booking.refresh_from_db()
    assert booking.status == BookingStatus.ARRIVED


def test_the_admin_home_is_the_desks_day_and_checks_in(
    live_server, clinic, desktop, ada, facial, axe, shot
):
    from people.services import note_create

    staff = MembershipFactory(clinic=clinic, role="staff").user
    therapist = StaffFactory(clinic=clinic, display_name="Zara", services=[facial])
    booking = add_booking(
        clinic, ada, facial, therapist, in_minutes(15), status=BookingStatus.CONFIRMED
    )
    note_create(clinic=clinic, account=ada, author=staff, body="Sensitive skin", pinned=True)
    staff_sign_in(desktop, live_server, clinic, staff)
    desktop.goto(clinic_url(live_server, clinic, "/admin/"))
    row = desktop.locator(f'[data-arrival="{booking.pk}"]')
    expect(row).to_contain_text("Ada Lovelace")
    expect(row.locator("[data-pinned-note]")).to_be_visible()
    expect(row.locator("[data-arrival-status]")).to_have_text("Confirmed")
    shot(desktop, "admin-today")
    axe(desktop)
    row.get_by_role("button", name="Check in Ada Lovelace").click()
    expect(desktop.locator(f'[data-arrival="{booking.pk}"] [data-arrival-status]')).to_have_text(
        "Checked in"
    )
    assert desktop.url.endswith("/admin/")
    booking.refresh_from_db()
    assert booking.status == BookingStatus.ARRIVED


def test_cancelling_from_the_appointment_page_asks_first(
    live_server, clinic, desktop, ada, facial, axe
):
    staff = MembershipFactory(clinic=clinic, role="staff").user
    booking = add_booking(
        clinic,
        ada,
        facial,
        StaffFactory(clinic=clinic, services=[facial]),
        in_minutes(60 * 24 * 3),
        status=BookingStatus.CONFIRMED,
    )
    staff_sign_in(desktop, live_server, clinic, staff)
    desktop.goto(clinic_url(live_server, clinic, f"/admin/bookings/calendar/{booking.pk}/"))
    desktop.get_by_label("Internal notes").fill("Parking at the back")
    desktop.get_by_role("button", name="Save internal notes").click()
    expect(desktop.get_by_text("Internal notes saved.")).to_be_visible()
    desktop.get_by_role("link", name="Cancel booking…").click()
    # Nothing is cancelled by reaching the page.
    booking.refresh_from_db()
    assert booking.status == BookingStatus.CONFIRMED and booking.internal_notes
    expect(desktop.locator("[data-cancel-quote]")).to_be_visible()
    axe(desktop)
    desktop.get_by_role("button", name="Cancel the booking").click()
    expect(desktop.get_by_text("This field is required.")).to_be_visible()
    desktop.get_by_label("Reason").fill("Client is unwell")
    desktop.get_by_label("No refund").check()
    desktop.get_by_role("button", name="Cancel the booking").click()
    expect(desktop.locator("[data-booking-status]")).to_have_text("Cancelled")
    booking.refresh_from_db()
    assert booking.status == BookingStatus.CANCELLED
