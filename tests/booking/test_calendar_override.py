"""Overriding availability: a manager or the front desk books a time the engine does
not offer (squeezed in after hours, or on top of another booking) — only with a reason,
kept on the booking, its history and the audit trail. Therapists, the portal and the
API never can; ordinary bookings still never overlap."""

import pytest

from booking_api.models import Booking, BookingEvent
from booking_api.services import booking_create
from booking_api.services.resize import staff_booking_resize
from booking_api.services.staff_actions import staff_booking_create, staff_booking_move
from branding.errors import DomainError, NotAllowedError
from people.models import AuditEntry
from tests.booking.test_admin_calendar import CALENDAR, DAY, new_booking, signed_in
from tests.factories.clients import ClientAccountFactory, MembershipFactory
from tests.fixtures.booking import MONDAY, at

pytestmark = pytest.mark.django_db


@pytest.fixture
def desk(open_policy, staff_user):
    return signed_in(staff_user, open_policy)


@pytest.fixture
def taken(open_policy, service, emma):
    """Emma's 10:00 consultation with another client."""
    return booking_create(
        clinic=open_policy,
        client=ClientAccountFactory(clinic=open_policy, user__first_name="Olive"),
        service=service,
        staff=emma,
        start=at(MONDAY, "10:00"),
        source="staff",
    )


def test_a_time_after_hours_offers_book_anyway_and_is_refused_without_it(
    desk, patient, service, emma
):
    page = desk.get(
        f"{CALENDAR}new/", {"service": service.pk, "staff": emma.pk, "date": DAY, "time": "18:00"}
    ).content.decode()
    assert "Book anyway (outside the offered times)" in page

    response = new_booking(desk, client=patient, service=service, staff=emma, time="18:00")
    assert "not one of the offered slots" in response.content.decode()
    assert "Book anyway (outside the offered times)" in response.content.decode()
    assert Booking.objects.count() == 0


def test_book_anyway_without_a_reason_is_refused_and_writes_nothing(desk, patient, service, emma):
    audits = AuditEntry.objects.count()
    response = new_booking(
        desk, client=patient, service=service, staff=emma, time="18:00", override="on"
    )
    assert response.context["form"].errors["override_reason"] == [
        "Give a reason for booking outside the offered times."
    ]
    assert Booking.objects.count() == 0
    assert AuditEntry.objects.filter(action="create").count() == 0
    assert AuditEntry.objects.count() >= audits


def test_squeezed_in_after_hours_with_a_reason(desk, patient, service, emma, staff_user):
    response = new_booking(
        desk,
        client=patient,
        service=service,
        staff=emma,
        time="18:00",
        override="on",
        override_reason="Only time she can make it",
    )
    assert response.status_code == 302
    booking = Booking.objects.get()
    assert booking.start == at(MONDAY, "18:00")
    assert booking.override_reason == "Only time she can make it"
    event = booking.events.get(kind="availability_overridden")
    assert event.actor == staff_user and event.reason == "Only time she can make it"
    entry = AuditEntry.objects.filter(client=patient).latest("pk")
    assert "outside the offered times" in entry.summary
    assert "Only time she can make it" in entry.summary


def test_double_booking_on_purpose_with_a_reason(desk, patient, service, emma, taken):
    response = new_booking(
        desk,
        client=patient,
        service=service,
        staff=emma,
        time="10:00",
        override="on",
        override_reason="Quick check while Olive's mask sets",
    )
    assert response.status_code == 302, response.context["form"].errors
    both = Booking.objects.filter(staff=emma, start=at(MONDAY, "10:00"))
    assert both.count() == 2
    ours = both.exclude(pk=taken.pk).get()
    assert ours.events.get(kind="availability_overridden").data == {"double_booked": taken.pk}
    assert "over Olive" in AuditEntry.objects.filter(client=patient).latest("pk").summary


def test_a_therapist_cannot_override(open_policy, patient, service, emma, taken):
    therapist = MembershipFactory(clinic=open_policy, role="therapist").user
    with pytest.raises(NotAllowedError):
        staff_booking_create(
            clinic=open_policy,
            client=patient,
            service=service,
            staff=emma,
            start=at(MONDAY, "10:00"),
            actor=therapist,
            override_reason="Because",
        )
    assert Booking.objects.count() == 1
    assert not BookingEvent.objects.filter(kind="availability_overridden").exists()


def test_the_portal_and_api_never_double_book(open_policy, patient, service, emma, taken):
    with pytest.raises(NotAllowedError):
        booking_create(
            clinic=open_policy,
            client=patient,
            service=service,
            staff=emma,
            start=at(MONDAY, "10:00"),
            source="portal",
            actor=patient.user,
            override_reason="Please",
        )
    with pytest.raises(DomainError):  # no reason: the engine decides, as always
        booking_create(
            clinic=open_policy,
            client=patient,
            service=service,
            staff=emma,
            start=at(MONDAY, "10:00"),
            source="portal",
        )
    assert Booking.objects.count() == 1


def test_the_api_ignores_an_override_reason(open_policy, patient_api, service, emma, taken):
    response = patient_api.post(
        "/api/v1/bookings",
        {
            "service": "consult",
            "staff": "emma",
            "start": at(MONDAY, "10:00").isoformat(),
            "override_reason": "Please",
        },
        format="json",
    )
    assert response.status_code == 409
    assert Booking.objects.count() == 1


def test_moving_over_another_booking_needs_a_reason(
    open_policy, patient, service, emma, taken, staff_user
):
    mine = booking_create(
        clinic=open_policy,
        client=patient,
        service=service,
        staff=emma,
        start=at(MONDAY, "14:00"),
        source="staff",
    )
    with pytest.raises(DomainError):
        staff_booking_move(booking=mine, start=at(MONDAY, "10:00"), actor=staff_user)
    mine.refresh_from_db()
    assert mine.start == at(MONDAY, "14:00")

    moved = staff_booking_move(
        booking=mine, start=at(MONDAY, "10:00"), actor=staff_user, override_reason="Twins"
    )
    assert moved.start == at(MONDAY, "10:00") and moved.override_reason == "Twins"
    assert "Twins" in AuditEntry.objects.filter(client=patient).latest("pk").summary


def test_resizing_past_the_working_day_needs_a_reason(
    open_policy, patient, service, emma, staff_user
):
    late = booking_create(
        clinic=open_policy,
        client=patient,
        service=service,
        staff=emma,
        start=at(MONDAY, "16:30"),
        source="staff",
    )
    with pytest.raises(DomainError) as refused:
        staff_booking_resize(booking=late, duration_minutes=60, actor=staff_user)
    assert refused.value.code == "outside_working_hours"
    with pytest.raises(DomainError) as refused:
        staff_booking_resize(
            booking=late, duration_minutes=60, actor=staff_user, override_reason="  "
        )
    assert refused.value.code == "override_reason_required"
    late.refresh_from_db()
    assert late.end == at(MONDAY, "17:00") and late.override_reason == ""

    staff_booking_resize(
        booking=late, duration_minutes=60, actor=staff_user, override_reason="Long consult"
    )
    late.refresh_from_db()
    assert late.end == at(MONDAY, "17:30") and late.override_reason == "Long consult"
    assert late.events.get(kind="resized").reason == "Long consult"


def test_the_move_form_and_the_duration_form_take_a_reason(desk, patient, service, emma, taken):
    mine = booking_create(
        clinic=taken.clinic,
        client=patient,
        service=service,
        staff=emma,
        start=at(MONDAY, "14:00"),
        source="staff",
    )
    url = f"{CALENDAR}{mine.pk}/move/"
    refused = desk.post(url, {"date": DAY, "time": "10:00", "staff": emma.pk})
    assert refused.status_code == 200
    mine.refresh_from_db()
    assert mine.start == at(MONDAY, "14:00")
    desk.post(url, {"date": DAY, "time": "10:00", "staff": emma.pk, "override_reason": "Sisters"})
    mine.refresh_from_db()
    assert mine.start == at(MONDAY, "10:00") and mine.override_reason == "Sisters"

    response = desk.post(
        f"{CALENDAR}{taken.pk}/resize/",
        {"duration": 60, "override_reason": "Longer session"},
        HTTP_ACCEPT="application/json",
    )
    assert response.status_code == 200, response.content
    taken.refresh_from_db()
    assert taken.override_reason == "Longer session"


def test_book_anyway_at_an_offered_time_is_an_ordinary_booking(desk, patient, service, emma):
    response = new_booking(
        desk,
        client=patient,
        service=service,
        staff=emma,
        time="11:00",
        override="on",
        override_reason="Just in case",
    )
    assert response.status_code == 302
    booking = Booking.objects.get()
    assert booking.override_reason == ""
    assert not booking.events.filter(kind="availability_overridden").exists()


def test_a_double_booking_shows_both_boxes_on_the_calendar(desk, patient, service, emma, taken):
    new_booking(
        desk,
        client=patient,
        service=service,
        staff=emma,
        time="10:00",
        override="on",
        override_reason="Twins",
    )
    ours = Booking.objects.exclude(pk=taken.pk).get()
    html = desk.get(CALENDAR, {"date": DAY}).content.decode()
    assert f'data-booking="{taken.pk}"' in html and f'data-booking="{ours.pk}"' in html
    assert html.count("data-overridden") == 1
