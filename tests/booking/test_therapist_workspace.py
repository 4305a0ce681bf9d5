"""Therapists in the admin: their own schedule only, the appointment page with the
client's history and notes, the lifecycle (start, session notes, complete or no-show,
with the clinic's no-show policy), and nothing of another therapist's."""

import datetime

import pytest
from django.test import Client
from django.utils import timezone

from booking_api.models import Booking
from booking_api.services import booking_create
from branding.services import policy_update
from people.models import AuditEntry
from records.models import TreatmentRecord
from records.treatment_services import treatment_record_add
from tests.factories.booking import StaffFactory
from tests.factories.clients import ClientAccountFactory, MembershipFactory
from tests.fixtures.booking import MONDAY, at

pytestmark = pytest.mark.django_db

CALENDAR = "/admin/bookings/calendar/"
TREATMENTS = "/admin/clinic/treatments/"


def signed_in(user, clinic):
    client = Client(HTTP_HOST=clinic.site.hostname)
    client.force_login(user)
    return client


def book(clinic, client, service, staff, start):
    return booking_create(
        clinic=clinic, client=client, service=service, start=start, staff=staff, source="staff"
    )


@pytest.fixture
def therapist(open_policy, emma):
    user = MembershipFactory(clinic=open_policy, role="therapist").user
    emma.user = user
    emma.save()
    return user


@pytest.fixture
def room(open_policy, therapist):
    return signed_in(therapist, open_policy)


@pytest.fixture
def zara(open_policy, service):
    member = StaffFactory(clinic=open_policy, display_name="Zara", services=[service])
    member.user = MembershipFactory(clinic=open_policy, role="therapist").user
    member.save()
    return member


@pytest.fixture
def mine(open_policy, patient, service, emma):
    return book(open_policy, patient, service, emma, at(MONDAY, "10:00"))


def its_time(booking):
    """The appointment began five minutes ago (a visit is started, completed or marked
    a no-show only once its time has come)."""
    start = timezone.now() - datetime.timedelta(minutes=5)
    end = start + (booking.end - booking.start)
    Booking.objects.filter(pk=booking.pk).update(
        start=start, end=end, blocked_start=start, blocked_end=end
    )
    booking.refresh_from_db()
    return booking


@pytest.fixture
def theirs(open_policy, service, zara):
    other = ClientAccountFactory(clinic=open_policy, user__first_name="Theodora")
    return book(open_policy, other, service, zara, at(MONDAY, "10:00"))


def test_a_therapist_sees_only_their_own_schedule(room, mine, theirs):
    html = room.get(CALENDAR, {"date": MONDAY.isoformat(), "view": "week"}).content.decode()
    assert mine.client.name in html
    assert theirs.client.name not in html
    assert "Zara" not in html
    # Asking for another staff member's column shows their own schedule still.
    html = room.get(
        CALENDAR, {"date": MONDAY.isoformat(), "staff": theirs.staff_id}
    ).content.decode()
    assert theirs.client.name not in html
    assert 'draggable="true"' not in html  # therapists do not move bookings


def test_another_therapists_booking_is_not_found(room, theirs):
    assert room.get(f"{CALENDAR}{theirs.pk}/").status_code == 404
    for action in ("start", "complete", "no_show"):
        assert room.post(f"{CALENDAR}{theirs.pk}/{action}/").status_code == 404
    assert room.post(f"{TREATMENTS}new/{theirs.pk}/", {"notes": "Hi"}).status_code == 404
    theirs.refresh_from_db()
    assert theirs.status == "booked"
    assert not TreatmentRecord.objects.exists()


def refused(response):
    """Wagtail answers a PermissionDenied with a redirect to the dashboard and a message."""
    return response.status_code == 302 and response.url == "/admin/"


def test_therapists_may_not_move_cancel_or_book(room, mine, emma):
    move = {"date": MONDAY.isoformat(), "time": "12:00", "staff": emma.pk}
    assert refused(room.get(f"{CALENDAR}{mine.pk}/move/"))
    assert refused(room.post(f"{CALENDAR}{mine.pk}/move/", move))
    assert refused(room.post(f"{CALENDAR}{mine.pk}/cancel/"))
    assert refused(room.get(f"{CALENDAR}new/"))
    mine.refresh_from_db()
    assert (mine.status, mine.start) == ("booked", at(MONDAY, "10:00"))


def test_a_therapist_without_a_staff_profile_sees_an_explanation(open_policy, mine):
    unlinked = MembershipFactory(clinic=open_policy, role="therapist").user
    html = (
        signed_in(unlinked, open_policy)
        .get(CALENDAR, {"date": MONDAY.isoformat()})
        .content.decode()
    )
    assert "not linked to a staff member" in html
    assert mine.client.name not in html


def test_the_appointment_page_shows_client_service_history_and_is_audited(
    open_policy, room, mine, patient, service, emma, therapist
):
    earlier = book(open_policy, patient, service, emma, at(MONDAY, "09:00"))
    treatment_record_add(
        clinic=open_policy, booking=earlier, author=therapist, notes="Sensitive skin on the left"
    )
    its_time(mine)
    html = room.get(f"{CALENDAR}{mine.pk}/").content.decode()
    assert patient.name in html
    assert "Consultation" in html
    assert "Sensitive skin on the left" in html  # notes from an earlier session
    assert "Mark started" in html
    assert "Cancel booking" not in html
    entry = AuditEntry.objects.filter(client=patient, action="view").latest("pk")
    assert entry.actor == therapist


def test_start_note_follow_up_and_complete(room, mine, therapist):
    its_time(mine)
    assert room.post(f"{CALENDAR}{mine.pk}/start/").status_code == 302
    mine.refresh_from_db()
    assert mine.status == "started"

    response = room.post(
        f"{TREATMENTS}new/{mine.pk}/",
        {"notes": "Peel at 20%", "follow_up": "Review in 4 weeks", "follow_up_on": "2099-01-01"},
    )
    assert response.status_code == 302
    note = TreatmentRecord.objects.get()
    assert (note.author, note.follow_up) == (therapist, "Review in 4 weeks")

    assert room.post(f"{CALENDAR}{mine.pk}/complete/").status_code == 302
    mine.refresh_from_db()
    assert mine.status == "completed"
    summaries = list(
        AuditEntry.objects.filter(client=mine.client)
        .order_by("pk")
        .values_list("summary", flat=True)
    )
    assert any(s.endswith(": Started") for s in summaries)
    assert any("Treatment record" in s for s in summaries)
    assert any(s.endswith(": Completed") for s in summaries)


def test_an_empty_note_is_refused_naming_the_field(room, mine):
    response = room.post(f"{TREATMENTS}new/{mine.pk}/", {"notes": "  "})
    assert response.status_code == 200
    assert "notes" in response.context["form"].errors
    response = room.post(
        f"{TREATMENTS}new/{mine.pk}/", {"notes": "Fine", "follow_up_on": "2000-01-01"}
    )
    assert "follow_up_on" in response.context["form"].errors
    assert not TreatmentRecord.objects.exists()


def test_a_move_the_lifecycle_forbids_is_explained(room, mine):
    response = room.post(f"{CALENDAR}{mine.pk}/complete/", follow=True)
    assert "cannot become completed" in response.content.decode()
    mine.refresh_from_db()
    assert mine.status == "booked"


def test_no_show_applies_the_clinics_fee_and_blocking(open_policy, room, mine):
    policy_update(
        clinic=open_policy,
        no_show_fee_kind="percent",
        no_show_fee_value=50,
        no_show_blocks_online_booking=True,
    )
    its_time(mine)
    assert room.post(f"{CALENDAR}{mine.pk}/no_show/").status_code == 302
    mine.refresh_from_db()
    mine.client.refresh_from_db()
    assert mine.status == "no_show"
    assert mine.events.get(kind="status", to_status="no_show").data["fee"] == mine.price // 2
    assert mine.client.online_booking_blocked is True
    assert AuditEntry.objects.filter(client=mine.client, summary__endswith="No-show").exists()


def test_front_desk_may_cancel(open_policy, staff_user, mine):
    desk = signed_in(staff_user, open_policy)
    assert desk.post(f"{CALENDAR}{mine.pk}/cancel/").status_code == 302
    assert Booking.objects.get(pk=mine.pk).status == "cancelled"
