"""The practice system is the source of truth: a booking made in the portal goes there,
a move or cancellation made there comes back, and a booking it refuses (the slot was
taken there meanwhile) is cancelled here with the money given back, left "needs
attention" for staff and explained to the patient in plain words."""

import datetime

import pytest
from django.core import mail

from booking_api.models import BookingStatus
from booking_api.services import booking_create
from notifications.models import Notification
from payments import services as payment_services
from payments.models import Refund
from sync.models import BookingLink, ExternalAppointment, LinkState
from sync.services.connections import connection_save
from sync.services.runner import connection_run
from tests.factories.booking import ServiceFactory, StaffFactory
from tests.fixtures.booking import MONDAY, at

pytestmark = pytest.mark.django_db


@pytest.fixture
def glow_practice(clinic, practice, emma):
    """Glow connected to ``practice``; its resource ``r1`` is Emma."""
    return connection_save(
        clinic=clinic,
        kind="rest",
        base_url=practice.url,
        credentials={"api_key": "test-key"},
        staff_map={"r1": "emma"},
    )


@pytest.mark.usefixtures("stripe_at_localstripe")
def test_a_paid_booking_the_practice_refuses_is_refunded_flagged_and_explained(
    clinic,
    patient,
    service,
    emma,
    full_policy,
    held,
    practice,
    glow_practice,
    django_capture_on_commit_callbacks,
):
    start = at(MONDAY, "10:00")
    # Taken at the desk a moment ago; the portal has not heard yet.
    practice.put(
        "appointments",
        {
            "id": "desk-1",
            "resource_id": "r1",
            "start": start.isoformat(),
            "end": (start + datetime.timedelta(minutes=30)).isoformat(),
            "status": "booked",
        },
    )
    with django_capture_on_commit_callbacks(execute=True):
        booking = held()
    assert not BookingLink.objects.exists()  # a hold waits for its payment
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        payment_services.payment_confirm(
            payment=payment_services.checkout_start(booking=booking), payment_method="success"
        )

    booking.refresh_from_db()
    assert booking.status == BookingStatus.REFUNDED  # cancelled, then refunded in full
    assert booking.events.filter(to_status=BookingStatus.CANCELLED, fee=0).exists()
    link = BookingLink.objects.get(booking=booking)
    assert link.state == LinkState.NEEDS_ATTENTION
    assert "already booked" in link.message
    # What the practice system was asked: the booking, with the portal's reference.
    posted = [
        r for r in practice.requests if r["method"] == "POST" and r["path"] == "/appointments"
    ]
    assert len(posted) == 1
    assert posted[0]["body"]["portal_reference"] == str(booking.reference)
    assert posted[0]["body"]["resource_id"] == "r1"
    # No money kept: the whole payment is refunded.
    refunds = Refund.objects.filter(payment__booking=booking)
    assert sum(r.amount for r in refunds if r.status == "succeeded") == booking.price
    # The patient is told once, in plain words, not sent a generic cancellation.
    notice = Notification.objects.get(user=patient.user, kind="booking_practice_refused")
    assert "could not book" in notice.title
    assert "refunded in full" in notice.body
    assert not Notification.objects.filter(user=patient.user, kind="booking_cancelled").exists()
    # The desk's appointment now blocks that time here too.
    assert ExternalAppointment.objects.get(external_id="desk-1").staff == emma


@pytest.fixture
def vet_desk(vet):
    from branding.services import policy_update

    policy_update(clinic=vet, min_notice_minutes=0, max_advance_days=730)
    service = ServiceFactory(clinic=vet, duration_minutes=30, slot_step_minutes=30, price=0)
    sam = StaffFactory(clinic=vet, key="sam", services=[service])
    return service, sam


def test_a_move_or_cancellation_in_the_practice_system_wins(
    vet, owner, vet_desk, practice, practice_connection, django_capture_on_commit_callbacks
):
    service, sam = vet_desk
    start = at(MONDAY, "10:00", tz=datetime.timezone(datetime.timedelta(hours=-5)))
    with django_capture_on_commit_callbacks(execute=True):
        booking = booking_create(clinic=vet, client=owner, service=service, staff=sam, start=start)
    link = BookingLink.objects.get(booking=booking)
    assert link.state == LinkState.SYNCED and link.external_id
    sent = practice.data["appointments"][link.external_id]
    assert datetime.datetime.fromisoformat(sent["start"]) == start
    assert sent["resource_id"] == "r1"
    # The portal's new client went first, so the appointment names them.
    assert practice.data["clients"][sent["client_id"]]["email"] == owner.user.email

    # The desk moves it an hour later: the portal follows.
    later = start + datetime.timedelta(hours=1)
    practice.edit(
        "appointments",
        link.external_id,
        start=later.isoformat(),
        end=(later + datetime.timedelta(minutes=30)).isoformat(),
    )
    with django_capture_on_commit_callbacks(execute=True):
        connection_run(connection_id=practice_connection.pk)
    booking.refresh_from_db()
    assert booking.start == later and booking.status == BookingStatus.BOOKED

    # The desk cancels it: cancelled here, and nothing is sent back.
    practice.edit("appointments", link.external_id, status="cancelled")
    practice.requests.clear()
    with django_capture_on_commit_callbacks(execute=True):
        connection_run(connection_id=practice_connection.pk)
    booking.refresh_from_db()
    assert booking.status == BookingStatus.CANCELLED
    assert not [r for r in practice.requests if r["path"].endswith("/cancel")]
    assert not ExternalAppointment.objects.exists()  # a portal booking is not a desk one


def test_a_booking_cancelled_in_the_portal_is_cancelled_there(
    vet, owner, vet_desk, practice, practice_connection, django_capture_on_commit_callbacks
):
    from booking_api.services import booking_cancel

    service, sam = vet_desk
    start = at(MONDAY, "11:00", tz=datetime.timezone(datetime.timedelta(hours=-5)))
    with django_capture_on_commit_callbacks(execute=True):
        booking = booking_create(clinic=vet, client=owner, service=service, staff=sam, start=start)
    external_id = BookingLink.objects.get(booking=booking).external_id
    with django_capture_on_commit_callbacks(execute=True):
        booking_cancel(booking=booking, actor=None, by_client=False)
    assert practice.data["appointments"][external_id]["status"] == "cancelled"
    assert BookingLink.objects.get(booking=booking).state == LinkState.SYNCED


def test_a_desk_override_the_practice_refuses_is_left_for_staff_not_undone(
    vet, owner, vet_desk, practice, practice_connection, django_capture_on_commit_callbacks
):
    """Receptionist trial: at Riverside a move made on purpose over another booking (with
    a reason), which the practice system refuses, was put back by the next pull a moment
    later (the client emailed twice, the link then "synced" with no word to staff)."""
    from booking_api.services.staff_actions import staff_booking_move
    from tests.factories.clients import ClientAccountFactory, MembershipFactory

    service, sam = vet_desk
    tz = datetime.timezone(datetime.timedelta(hours=-5))
    nine, eleven = at(MONDAY, "09:00", tz=tz), at(MONDAY, "11:00", tz=tz)
    other = ClientAccountFactory(clinic=vet)
    with django_capture_on_commit_callbacks(execute=True):
        booking_create(clinic=vet, client=other, service=service, staff=sam, start=nine)
        booking = booking_create(clinic=vet, client=owner, service=service, staff=sam, start=eleven)
    link = BookingLink.objects.get(booking=booking)
    desk = MembershipFactory(clinic=vet, role="staff").user
    with django_capture_on_commit_callbacks(execute=True):
        staff_booking_move(
            booking=booking, start=nine, actor=desk, override_reason="Owner can only come at 9"
        )
    with django_capture_on_commit_callbacks(execute=True):
        connection_run(connection_id=practice_connection.pk)  # the move is refused there
    # The appointment is pulled again (touched there, or a full pull): still at 11:00.
    practice.edit("appointments", link.external_id, status="booked")
    with django_capture_on_commit_callbacks(execute=True):
        connection_run(connection_id=practice_connection.pk)
    booking.refresh_from_db()
    link.refresh_from_db()
    assert booking.start == nine and booking.override_reason
    assert not booking.events.filter(kind="rescheduled", actor=None).exists()
    assert (link.state, link.action) == (LinkState.NEEDS_ATTENTION, "move")
    assert "taken" in link.message
