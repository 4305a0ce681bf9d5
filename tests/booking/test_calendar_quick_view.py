"""The calendar's quick view of a booking (<booking>/quick/): what the hover or tap
dialog shows, in one query for the booking, scoped to the clinic and to a therapist's
own bookings, and audited as a view."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from booking_api.models import Booking
from people.models import AuditEntry
from people.services import note_create
from records.medical.services import medical_history_update
from tests.booking.test_admin_calendar import CALENDAR, book, signed_in
from tests.factories.booking import StaffFactory
from tests.factories.clients import ClientAccountFactory, MembershipFactory
from tests.fixtures.booking import MONDAY, at

pytestmark = pytest.mark.django_db


@pytest.fixture
def desk(open_policy, staff_user):
    return signed_in(staff_user, open_policy)


@pytest.fixture
def booking(open_policy, service, emma):
    client = ClientAccountFactory(
        clinic=open_policy, user__first_name="Nina", user__last_name="Marsh", phone="+447700900123"
    )
    return book(open_policy, client, service, emma, at(MONDAY, "10:00"))


def test_the_quick_view_shows_the_booking_in_the_clinics_time(
    desk, open_policy, booking, staff_user
):
    note_create(
        clinic=open_policy,
        account=booking.client,
        author=staff_user,
        body="Prefers the quiet room",
        pinned=True,
    )
    medical_history_update(
        clinic=open_policy,
        client=booking.client,
        author=staff_user,
        by_staff=True,
        allergies="Latex",
    )
    with CaptureQueriesContext(connection) as queries:
        data = desk.get(f"{CALENDAR}{booking.pk}/quick/").json()
    # The admin's own (session, user, permissions, membership) and the audit entry aside,
    # one query reads the booking with its client, markers, service, staff and pet.
    reads = [q["sql"] for q in queries if '"booking_api_booking"' in q["sql"]]
    assert len(reads) == 1
    assert len(queries) <= 12
    assert data["client"] == "Nina Marsh"
    assert data["service"] == "Consultation"
    assert data["time"] == "10:00–10:30"  # London, not UTC
    assert data["status"] == booking.get_status_display()
    assert data["staff"] == "Emma"
    assert data["phone"] == "+447700900123"
    assert data["markers"] == {"pinned_note": "Prefers the quiet room", "allergies": "Latex"}
    assert data["open_url"] == f"{CALENDAR}{booking.pk}/"
    assert data["move_url"] == f"{CALENDAR}{booking.pk}/move/"
    assert data["check_in_url"] == ""  # weeks away: not yet
    entry = AuditEntry.objects.filter(client=booking.client).latest("pk")
    assert entry.action == "view" and "Quick view" in entry.summary


def test_check_in_is_offered_when_the_client_may_be_checked_in(desk, booking):
    start = timezone.now() + datetime.timedelta(minutes=20)
    Booking.objects.filter(pk=booking.pk).update(
        start=start,
        end=start + datetime.timedelta(minutes=30),
        blocked_start=start,
        blocked_end=start + datetime.timedelta(minutes=30),
    )
    data = desk.get(f"{CALENDAR}{booking.pk}/quick/").json()
    assert data["check_in_url"] == f"{CALENDAR}{booking.pk}/check_in/"


def test_another_clinics_booking_is_not_found(other_clinic, other_manager, booking):
    response = signed_in(other_manager, other_clinic).get(f"{CALENDAR}{booking.pk}/quick/")
    assert response.status_code == 404


def test_a_therapist_sees_only_their_own_bookings(open_policy, service, emma, booking):
    zara = StaffFactory(clinic=open_policy, display_name="Zara", services=[service])
    zara.user = MembershipFactory(clinic=open_policy, role="therapist").user
    zara.save()
    room = signed_in(zara.user, open_policy)
    assert room.get(f"{CALENDAR}{booking.pk}/quick/").status_code == 404
    own = book(open_policy, booking.client, service, zara, at(MONDAY, "11:00"))
    data = room.get(f"{CALENDAR}{own.pk}/quick/").json()
    assert data["staff"] == "Zara" and data["move_url"] == ""
