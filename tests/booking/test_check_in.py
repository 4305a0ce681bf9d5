"""Arrived / checked in: a status between confirmed and started. Staff check a client in
at the desk (the appointment page, or by opening the wallet pass's QR code), the client
checks themself in from the portal or the app inside the window around the start; each
is on the booking's history and the client's audit trail. Nobody else's booking, and
nothing before its time."""

import datetime

import pytest
from django.utils import timezone

from booking_api.models import Booking, BookingEvent, BookingStatus
from booking_api.services import (
    BookingError,
    booking_cancel,
    booking_check_in,
    booking_transition,
)
from branding.errors import NotAllowedError
from branding.services import features_update
from loyalty.wallet.membership import member_number
from people.models import AuditEntry
from tests.factories.booking import StaffFactory
from tests.factories.clients import ClientAccountFactory, MembershipFactory
from tests.fixtures.booking import add_booking
from tests.fixtures.clinics import admin_client_for, host_client
from tests.fixtures.honesty import nothing_changes

pytestmark = pytest.mark.django_db

# Check-in windows and "today's bookings" are on the clinic's clock: run at midday, so a
# booking two hours ahead is still today whatever time the suite runs (it failed at 23:30).
MIDDAY = timezone.now().replace(hour=12, minute=0, second=0, microsecond=0)


@pytest.fixture(autouse=True)
def midday(monkeypatch):
    monkeypatch.setattr(timezone, "now", lambda: MIDDAY)


def starting_in(clinic, client, service, staff, minutes, status=BookingStatus.CONFIRMED):
    """A booking whose start is ``minutes`` from now (negative: already begun)."""
    start = timezone.now().replace(microsecond=0) + datetime.timedelta(minutes=minutes)
    return add_booking(clinic, client, service, staff, start, status=status)


@pytest.fixture
def soon(clinic, patient, service, emma):
    return starting_in(clinic, patient, service, emma, 20)


# --- the lifecycle -----------------------------------------------------------------------


def test_staff_check_a_client_in_and_the_visit_then_starts(soon, staff_user):
    booking = booking_check_in(booking=soon, actor=staff_user)
    assert booking.status == BookingStatus.ARRIVED
    event = BookingEvent.objects.get(booking=soon, to_status="arrived")
    assert (event.from_status, event.actor, event.data) == (
        "confirmed",
        staff_user,
        {"via": "desk"},
    )
    entry = AuditEntry.objects.get(client=soon.client, summary__contains="checked in")
    assert entry.actor == staff_user and "(desk)" in entry.summary
    assert entry.changes == {"status": ["Confirmed", "Checked in"]}
    started = booking_transition(
        booking=booking, to_status="started", actor=staff_user, now=soon.start
    )
    assert started.status == BookingStatus.STARTED


def test_a_booked_booking_may_be_checked_in_too(clinic, patient, service, emma, staff_user):
    booked = starting_in(clinic, patient, service, emma, 10, status=BookingStatus.BOOKED)
    assert booking_check_in(booking=booked, actor=staff_user).status == BookingStatus.ARRIVED


def test_checking_in_more_than_an_hour_early_is_refused(clinic, patient, service, emma, staff_user):
    later = starting_in(clinic, patient, service, emma, 90)
    with nothing_changes(Booking, BookingEvent, AuditEntry), pytest.raises(BookingError) as e:
        booking_check_in(booking=later, actor=staff_user)
    assert e.value.code == "too_early" and e.value.status == 409


def test_the_client_checks_in_inside_the_window_only(clinic, patient, service, emma):
    late = starting_in(clinic, patient, service, emma, -31)
    with nothing_changes(Booking, BookingEvent), pytest.raises(BookingError) as e:
        booking_check_in(booking=late, actor=patient.user, by_client=True, via="portal")
    assert e.value.code == "too_late"
    # Staff may still check them in at the desk.
    staff = MembershipFactory(clinic=clinic, role="staff").user
    assert booking_check_in(booking=late, actor=staff).status == BookingStatus.ARRIVED


def test_once_here_it_is_never_a_no_show_and_only_the_clinic_cancels(soon, staff_user):
    booking = booking_check_in(booking=soon, actor=staff_user)
    with pytest.raises(BookingError):
        booking_transition(booking=booking, to_status="no_show", actor=staff_user)
    with nothing_changes(Booking), pytest.raises(NotAllowedError):
        booking_cancel(booking=booking, actor=booking.client.user, by_client=True)
    assert booking_cancel(booking=booking, actor=staff_user, by_client=False).status == (
        BookingStatus.CANCELLED
    )


def test_a_checked_in_booking_keeps_its_time(soon, staff_user):
    booking = booking_check_in(booking=soon, actor=staff_user)
    assert booking.is_blocking and not booking.is_upcoming


# --- the portal: "I'm here" --------------------------------------------------------------


def test_the_portal_offers_im_here_in_the_window_and_checks_in(signed_in, soon, clinic):
    features_update(clinic=clinic, self_cancel=True)
    page = signed_in.get("/bookings/").content.decode()
    assert "I&#x27;m here" in page or "I'm here" in page
    response = signed_in.post(
        f"/bookings/{soon.reference}/check-in/", {"next": "/bookings/"}, follow=True
    )
    soon.refresh_from_db()
    assert soon.status == BookingStatus.ARRIVED
    html = response.content.decode()
    assert "checked in" in html.lower() and "data-checked-in" in html
    event = BookingEvent.objects.get(booking=soon, to_status="arrived")
    assert event.data == {"via": "portal"} and event.actor == soon.client.user


def test_the_portal_does_not_offer_it_hours_ahead(signed_in, clinic, patient, service, emma):
    later = starting_in(clinic, patient, service, emma, 180)
    page = signed_in.get(f"/bookings/{later.reference}/").content.decode()
    assert "check-in/" not in page
    with nothing_changes(Booking):
        signed_in.post(f"/bookings/{later.reference}/check-in/")


def test_another_persons_booking_cannot_be_checked_in(signed_in, clinic, service, emma):
    someone = ClientAccountFactory(clinic=clinic)
    theirs = starting_in(clinic, someone, service, emma, 10)
    with nothing_changes(Booking):
        assert signed_in.post(f"/bookings/{theirs.reference}/check-in/").status_code == 404
        assert host_client(clinic).post(f"/bookings/{theirs.reference}/check-in/").status_code in (
            302,
            403,
        )


# --- the API -----------------------------------------------------------------------------


def test_the_app_checks_in(patient_api, patient, soon):
    patient_api.force_authenticate(patient.user, token="app-token")  # the app's door
    listed = patient_api.get("/api/v1/bookings?when=upcoming").json()
    assert [b["can_check_in"] for b in listed] == [True]
    body = patient_api.post(f"/api/v1/bookings/{soon.pk}/check-in").json()
    assert body["status"] == "arrived" and body["status_display"] == "Checked in"
    assert body["can_check_in"] is False
    assert BookingEvent.objects.get(booking=soon, to_status="arrived").data == {"via": "app"}
    # Still listed as ahead, no longer to move or cancel.
    assert [b["id"] for b in patient_api.get("/api/v1/bookings?when=upcoming").json()] == [soon.pk]


def test_the_app_is_told_too_late_and_nothing_changes(patient_api, clinic, patient, service, emma):
    late = starting_in(clinic, patient, service, emma, -45)
    with nothing_changes(Booking, BookingEvent):
        response = patient_api.post(f"/api/v1/bookings/{late.pk}/check-in")
    assert response.status_code == 409 and response.json()["code"] == "too_late"


def test_the_app_cannot_check_in_someone_elses_booking(patient_api, clinic, service, emma):
    theirs = starting_in(clinic, ClientAccountFactory(clinic=clinic), service, emma, 10)
    with nothing_changes(Booking):
        assert patient_api.post(f"/api/v1/bookings/{theirs.pk}/check-in").status_code == 404


# --- the wallet pass's QR code, opened at the desk --------------------------------------


def scan_url(client):
    return f"/admin/check-in/{member_number(client)}/"


def test_opening_the_pass_qr_checks_the_due_booking_in(clinic, staff_user, soon, patient):
    desk = admin_client_for(staff_user, clinic)
    response = desk.get(scan_url(patient), headers={"Sec-Fetch-Site": "none"}, follow=True)
    soon.refresh_from_db()
    assert soon.status == BookingStatus.ARRIVED
    assert "is checked in for Consultation" in response.content.decode()
    assert BookingEvent.objects.get(booking=soon, to_status="arrived").data == {
        "via": "wallet_pass"
    }
    assert AuditEntry.objects.filter(
        client=patient, actor=staff_user, summary__contains="(wallet pass)"
    ).exists()


def test_a_link_from_another_site_only_shows_the_button(clinic, staff_user, soon, patient):
    desk = admin_client_for(staff_user, clinic)
    with nothing_changes(Booking):
        page = desk.get(scan_url(patient), headers={"Sec-Fetch-Site": "cross-site"})
        assert desk.get(scan_url(patient)).status_code == 200  # no header: the same
    assert "data-check-in-due" in page.content.decode()
    desk.post(scan_url(patient))
    soon.refresh_from_db()
    assert soon.status == BookingStatus.ARRIVED


def test_a_later_booking_is_not_checked_in_by_a_scan(clinic, staff_user, patient, service, emma):
    later = starting_in(clinic, patient, service, emma, 120)
    desk = admin_client_for(staff_user, clinic)
    with nothing_changes(Booking):
        page = desk.get(scan_url(patient), headers={"Sec-Fetch-Site": "none"})
    html = page.content.decode()
    assert page.status_code == 200 and "data-check-in-due" not in html
    assert "Consultation" in html and later.get_status_display() in html


def test_another_clinics_card_or_a_patient_finds_nothing(
    clinic, other_clinic, staff_user, soon, patient
):
    elsewhere = ClientAccountFactory(clinic=other_clinic)
    desk = admin_client_for(staff_user, clinic)
    with nothing_changes(Booking):
        assert desk.get(scan_url(elsewhere), headers={"Sec-Fetch-Site": "none"}).status_code == 404
        assert desk.get("/admin/check-in/GLOW-99999999999999999999/").status_code == 404
        as_patient = admin_client_for(patient.user, clinic)
        response = as_patient.get(scan_url(patient), headers={"Sec-Fetch-Site": "none"})
        assert response.status_code in (302, 403)


def test_a_therapist_scan_checks_in_only_their_own_clients(clinic, soon, patient, service, emma):
    other = StaffFactory(clinic=clinic, services=[service])
    other.user = MembershipFactory(clinic=clinic, role="therapist").user
    other.save()
    room = admin_client_for(other.user, clinic)
    with nothing_changes(Booking):
        page = room.get(scan_url(patient), headers={"Sec-Fetch-Site": "none"})
    assert page.status_code == 200 and "Consultation" not in page.content.decode()


# --- the appointment page ----------------------------------------------------------------


def test_the_appointment_page_offers_check_in_and_it_is_done(clinic, staff_user, soon):
    desk = admin_client_for(staff_user, clinic)
    page = desk.get(f"/admin/bookings/calendar/{soon.pk}/").content.decode()
    assert f"/admin/bookings/calendar/{soon.pk}/check_in/" in page
    desk.post(f"/admin/bookings/calendar/{soon.pk}/check_in/")
    soon.refresh_from_db()
    assert soon.status == BookingStatus.ARRIVED
    page = desk.get(f"/admin/bookings/calendar/{soon.pk}/").content.decode()
    assert "Checked in" in page and "/check_in/" not in page
