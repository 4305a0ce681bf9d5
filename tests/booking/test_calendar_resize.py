"""Changing a booking's duration from the calendar (the resize handle's JSON) and the
appointment page (the duration field): on the service's grid, within working hours, never
over another booking, never into the past; refusals change nothing."""

import datetime

import pytest
from django.test import Client

from booking_api.models import Booking, BookingEvent, TimeOff
from booking_api.services import booking_create
from booking_api.services.errors import BookingError
from booking_api.services.resize import staff_booking_resize
from branding.errors import NotAllowedError
from people.models import AuditEntry
from tests.factories.booking import ServiceFactory, StaffFactory
from tests.fixtures.booking import MONDAY, at

pytestmark = pytest.mark.django_db

CALENDAR = "/admin/bookings/calendar/"


def signed_in(user, clinic):
    client = Client(HTTP_HOST=clinic.site.hostname)
    client.force_login(user)
    return client


@pytest.fixture
def booking(open_policy, patient, service, emma):
    return booking_create(
        clinic=open_policy,
        client=patient,
        service=service,
        start=at(MONDAY, "10:00"),
        staff=emma,
        source="staff",
    )


def resize(desk, booking, duration, *, as_json=True):
    headers = {"HTTP_ACCEPT": "application/json"} if as_json else {}
    return desk.post(f"{CALENDAR}{booking.pk}/resize/", {"duration": duration}, **headers)


def unchanged(booking, *, resized_before=0):
    """The stored booking is as ``booking`` (its end, buffer and sequence), with no new
    ``resized`` event."""
    stored = Booking.objects.get(pk=booking.pk)
    events = BookingEvent.objects.filter(booking=booking, kind="resized").count()
    return (stored.end, stored.blocked_end, stored.sequence, events) == (
        booking.end,
        booking.blocked_end,
        booking.sequence,
        resized_before,
    )


def test_dragging_the_bottom_edge_makes_the_booking_longer_and_is_audited(
    open_policy, staff_user, booking
):
    desk = signed_in(staff_user, open_policy)
    response = resize(desk, booking, 60)
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["time"] == "10:00–11:00"
    assert body["duration"] == 60
    stored = Booking.objects.get(pk=booking.pk)
    assert (stored.start, stored.end) == (at(MONDAY, "10:00"), at(MONDAY, "11:00"))
    assert stored.blocked_end == at(MONDAY, "11:00")  # no buffer after this service
    assert stored.sequence == booking.sequence + 1
    event = BookingEvent.objects.get(booking=booking, kind="resized")
    assert event.data == {"from_minutes": 30, "to_minutes": 60}
    entry = AuditEntry.objects.filter(client=booking.client).latest("pk")
    assert "60 minutes" in entry.summary
    assert entry.changes == {"duration": ["30 min", "60 min"]}


def test_shorter_works_too_on_the_services_grid(open_policy, staff_user, booking):
    desk = signed_in(staff_user, open_policy)
    assert resize(desk, booking, 15).status_code == 200
    assert Booking.objects.get(pk=booking.pk).end == at(MONDAY, "10:15")


@pytest.mark.parametrize("duration", [20, 0, -15, 24 * 60 + 15, "long"])
def test_a_duration_off_the_grid_is_refused_naming_the_field(
    open_policy, staff_user, booking, duration
):
    desk = signed_in(staff_user, open_policy)
    response = resize(desk, booking, duration)
    assert response.status_code == 400
    assert response.json()["field"] == "duration"
    assert unchanged(booking)


def test_overlapping_the_next_booking_is_refused(open_policy, staff_user, booking, service, emma):
    other = booking_create(
        clinic=open_policy,
        client=booking.client,
        service=service,
        start=at(MONDAY, "11:00"),
        staff=emma,
        source="staff",
    )
    desk = signed_in(staff_user, open_policy)
    assert resize(desk, booking, 60).status_code == 200  # up to 11:00 touches, no overlap
    booking.refresh_from_db()
    response = resize(desk, booking, 75)
    assert response.status_code == 409
    body = response.json()
    assert body["code"] == "overlaps_booking"
    assert "11:00" in body["detail"] and other.client.name in body["detail"]
    assert unchanged(booking, resized_before=1)


def test_buffers_count_as_taken(open_policy, staff_user, patient, emma):
    buffered = ServiceFactory(
        clinic=open_policy, key="peel", duration_minutes=30, buffer_after_minutes=15
    )
    emma.services.add(buffered)
    first = booking_create(
        clinic=open_policy,
        client=patient,
        service=buffered,
        start=at(MONDAY, "10:00"),
        staff=emma,
        source="staff",
    )
    booking_create(
        clinic=open_policy,
        client=patient,
        service=buffered,
        start=at(MONDAY, "11:00"),
        staff=emma,
        source="staff",
    )
    desk = signed_in(staff_user, open_policy)
    # 10:00–10:45 plus 15 minutes' buffer ends at 11:00: fits; 11:00 would not.
    assert resize(desk, first, 45).status_code == 200
    first.refresh_from_db()
    assert resize(desk, first, 60).json()["code"] == "overlaps_booking"
    assert unchanged(first, resized_before=1)


def test_past_the_end_of_the_working_day_or_into_time_off_is_refused(
    open_policy, staff_user, patient, service, emma
):
    late = booking_create(
        clinic=open_policy,
        client=patient,
        service=service,
        start=at(MONDAY, "16:15"),
        staff=emma,
        source="staff",
    )
    desk = signed_in(staff_user, open_policy)
    response = resize(desk, late, 60)  # would end 17:15; Emma works until 17:00
    assert response.status_code == 409
    assert response.json()["code"] == "outside_working_hours"
    assert unchanged(late)

    TimeOff.objects.create(staff=emma, start=at(MONDAY, "16:45"), end=at(MONDAY, "17:00"))
    assert resize(desk, late, 45).json()["code"] == "outside_working_hours"
    assert unchanged(late)


def test_ending_before_now_is_refused(open_policy, staff_user, booking):
    with pytest.raises(BookingError) as refused:
        staff_booking_resize(
            booking=booking,
            duration_minutes=15,
            actor=staff_user,
            now=at(MONDAY, "10:20"),
        )
    assert refused.value.code.value == "in_the_past"
    assert unchanged(booking)


def test_a_booking_no_longer_upcoming_cannot_be_resized(open_policy, staff_user, booking):
    Booking.objects.filter(pk=booking.pk).update(status="completed")
    response = resize(signed_in(staff_user, open_policy), booking, 60)
    assert response.status_code == 409
    assert response.json()["code"] == "invalid_transition"
    assert Booking.objects.get(pk=booking.pk).end == booking.end


def test_therapists_cannot_resize_and_other_clinics_bookings_are_not_found(
    open_policy, therapist_user, staff_user, booking, other_clinic
):
    response = resize(signed_in(therapist_user, open_policy), booking, 60)
    assert response.status_code in (302, 403)
    with pytest.raises(NotAllowedError):
        staff_booking_resize(booking=booking, duration_minutes=60, actor=therapist_user)
    from tests.factories.clients import MembershipFactory

    stranger = MembershipFactory(clinic=other_clinic, role="staff").user
    assert resize(signed_in(stranger, other_clinic), booking, 60).status_code == 404
    assert unchanged(booking)


def test_the_appointment_page_has_a_duration_field_without_javascript(
    open_policy, staff_user, booking
):
    desk = signed_in(staff_user, open_policy)
    page = desk.get(f"{CALENDAR}{booking.pk}/").content.decode()
    assert "data-duration-form" in page
    assert 'name="duration"' in page and 'value="30"' in page and 'step="15"' in page
    # A browser offers min + n·step: from one step, so 45, 60, 75… are all accepted.
    assert 'min="15"' in page
    response = resize(desk, booking, 45, as_json=False)
    assert response.status_code == 302
    assert response.url == f"{CALENDAR}{booking.pk}/"
    assert Booking.objects.get(pk=booking.pk).end == at(MONDAY, "10:45")
    page = desk.get(response.url).content.decode()
    assert "Now 10:00–10:45 (45 minutes)." in page

    response = resize(desk, booking, 50, as_json=False)
    assert response.status_code == 302
    assert "steps of 15 minutes" in desk.get(response.url).content.decode()
    assert Booking.objects.get(pk=booking.pk).end == at(MONDAY, "10:45")


def test_the_same_duration_is_not_a_change(open_policy, staff_user, booking):
    response = resize(signed_in(staff_user, open_policy), booking, 30)
    assert response.status_code == 400
    assert response.json()["code"] == "same_time"
    assert unchanged(booking)


def test_a_service_with_its_own_step_resizes_on_that_grid(open_policy, staff_user, patient):
    dental = ServiceFactory(
        clinic=open_policy, key="dental", duration_minutes=90, slot_step_minutes=30
    )
    vet = StaffFactory(clinic=open_policy, key="vet", services=[dental])
    booking = booking_create(
        clinic=open_policy,
        client=patient,
        service=dental,
        start=at(MONDAY, "09:00"),
        staff=vet,
        source="staff",
    )
    desk = signed_in(staff_user, open_policy)
    assert resize(desk, booking, 105).status_code == 400
    assert resize(desk, booking, 120).status_code == 200
    assert Booking.objects.get(pk=booking.pk).end - booking.start == datetime.timedelta(hours=2)
