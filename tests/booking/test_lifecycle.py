"""The appointment lifecycle and the clinic's policies applied to it."""

import datetime

import pytest

from booking_api.models import Booking, BookingEvent, BookingStatus
from booking_api.services import (
    BookingError,
    SlotTakenError,
    booking_cancel,
    booking_create,
    booking_mark_no_show,
    booking_reschedule,
    booking_transition,
    cancellation_quote,
)
from branding.errors import NotAllowedError
from branding.services import policy_update
from tests.factories.clients import ClientAccountFactory
from tests.fixtures.booking import MONDAY, at
from tests.fixtures.honesty import nothing_changes

pytestmark = pytest.mark.django_db


@pytest.fixture
def booking(clinic, open_policy, service, emma, patient):
    return booking_create(
        clinic=clinic,
        client=patient,
        service=service,
        staff=emma,
        start=at(MONDAY, "10:00"),
        source="portal",
    )


def test_the_happy_path_is_recorded_step_by_step(booking, staff_user):
    for status in ("confirmed", "started", "completed"):
        booking = booking_transition(
            booking=booking, to_status=status, actor=staff_user, now=at(MONDAY, "10:00")
        )
    assert booking.status == BookingStatus.COMPLETED
    events = list(
        BookingEvent.objects.filter(booking=booking).values_list("kind", "from_status", "to_status")
    )
    assert events == [
        ("created", "", "booked"),
        ("status", "booked", "confirmed"),
        ("status", "confirmed", "started"),
        ("status", "started", "completed"),
    ]
    assert BookingEvent.objects.filter(booking=booking, actor=staff_user).count() == 3


@pytest.mark.parametrize(
    ("path", "wrong"),
    [
        ([], "completed"),  # booked cannot jump to completed
        (["confirmed", "started"], "cancelled"),  # a started appointment is not cancelled
        (["cancelled"], "confirmed"),
        (["confirmed", "started", "completed"], "no_show"),
    ],
)
def test_a_wrong_transition_is_a_409_naming_the_current_status(booking, path, wrong):
    for status in path:
        booking = booking_transition(booking=booking, to_status=status)
    current = booking.get_status_display().lower()
    with pytest.raises(BookingError) as refused:
        booking_transition(booking=booking, to_status=wrong)
    assert refused.value.status == 409
    assert f"This booking is {current}" in refused.value.message
    booking.refresh_from_db()
    assert booking.status == (path[-1] if path else "booked")


def test_cancelled_can_be_refunded(booking):
    booking = booking_cancel(booking=booking, by_client=False)
    booking = booking_transition(booking=booking, to_status="refunded")
    assert booking.status == BookingStatus.REFUNDED


def test_late_cancellation_quotes_a_fixed_fee_capped_at_the_price(clinic, booking):
    policy_update(
        clinic=clinic,
        cancellation_window_hours=24,
        late_cancel_fee_kind="fixed",
        late_cancel_fee_value=10_000,
    )
    now = booking.start - datetime.timedelta(hours=2)
    quote = cancellation_quote(booking, now=now)
    assert (quote.allowed, quote.free, quote.fee) == (True, False, booking.price)
    early = cancellation_quote(booking, now=booking.start - datetime.timedelta(hours=25))
    assert (early.free, early.fee) == (True, 0)


def test_inside_the_window_a_clinic_may_ask_clients_to_call(clinic, booking):
    policy_update(clinic=clinic, cancellation_window_hours=24, late_cancel_contact_clinic=True)
    now = booking.start - datetime.timedelta(hours=2)
    with pytest.raises(NotAllowedError) as refused:
        booking_cancel(booking=booking, now=now)
    assert "contact the clinic" in refused.value.message
    booking.refresh_from_db()
    assert booking.status == BookingStatus.BOOKED
    # Staff can always cancel.
    assert booking_cancel(booking=booking, by_client=False, now=now).status == "cancelled"


def test_the_cancellation_records_the_quote_it_was_made_under(clinic, booking):
    policy_update(
        clinic=clinic,
        cancellation_window_hours=24,
        late_cancel_fee_kind="percent",
        late_cancel_fee_value=50,
    )
    booking_cancel(booking=booking, now=booking.start - datetime.timedelta(hours=1))
    event = BookingEvent.objects.get(booking=booking, to_status="cancelled")
    assert event.data["quote"]["fee"] == booking.price // 2


def test_no_show_records_the_fee_and_blocks_online_booking(clinic, booking, patient, service, emma):
    policy_update(
        clinic=clinic,
        no_show_fee_kind="percent",
        no_show_fee_value=100,
        no_show_blocks_online_booking=True,
    )
    booking_mark_no_show(booking=booking, reason="did not arrive")
    event = BookingEvent.objects.get(booking=booking, to_status="no_show")
    assert event.data["fee"] == booking.price
    patient.refresh_from_db()
    assert patient.online_booking_blocked
    with pytest.raises(NotAllowedError) as refused:
        booking_create(
            clinic=clinic,
            client=patient,
            service=service,
            staff=emma,
            start=at(MONDAY, "14:00"),
            source="portal",
        )
    assert "call the clinic" in refused.value.message
    # Staff can still book for them.
    assert booking_create(
        clinic=clinic,
        client=patient,
        service=service,
        staff=emma,
        start=at(MONDAY, "14:00"),
        source="staff",
    )


def test_no_show_without_blocking_policy_leaves_the_client_free(clinic, booking, patient):
    booking_mark_no_show(booking=booking)
    patient.refresh_from_db()
    assert not patient.online_booking_blocked


def test_reschedule_window(clinic, booking):
    policy_update(clinic=clinic, reschedule_window_hours=48)
    with nothing_changes(Booking, BookingEvent), pytest.raises(NotAllowedError) as refused:
        booking_reschedule(
            booking=booking,
            start=at(MONDAY, "15:00"),
            now=booking.start - datetime.timedelta(hours=47),
        )
    assert "48 hours" in refused.value.message


def test_reschedule_to_a_taken_slot_is_refused_and_keeps_the_booking(
    clinic, booking, service, emma
):
    other = booking_create(
        clinic=clinic,
        client=ClientAccountFactory(clinic=clinic),
        service=service,
        staff=emma,
        start=at(MONDAY, "15:00"),
        source="staff",
    )
    with nothing_changes(Booking, BookingEvent), pytest.raises(SlotTakenError) as refused:
        booking_reschedule(booking=booking, start=other.start)
    assert refused.value.status == 409
    booking.refresh_from_db()
    assert booking.start == at(MONDAY, "10:00") and booking.reschedule_count == 0


def test_reschedule_bumps_the_calendar_sequence(booking):
    moved = booking_reschedule(booking=booking, start=at(MONDAY, "11:00"))
    assert (moved.sequence, moved.reschedule_count) == (1, 1)
    assert moved.reference == booking.reference


def test_a_booking_for_another_clinics_client_is_refused(
    clinic, other_clinic, open_policy, service, emma
):
    stranger = ClientAccountFactory(clinic=other_clinic)
    with nothing_changes(Booking, BookingEvent), pytest.raises(BookingError) as refused:
        booking_create(
            clinic=clinic,
            client=stranger,
            service=service,
            staff=emma,
            start=at(MONDAY, "10:00"),
            source="staff",
        )
    assert refused.value.field == "client"


def test_other_apps_hear_of_each_change_after_it_is_committed(
    booking, staff_user, django_capture_on_commit_callbacks
):
    heard = []

    def listener(sender, booking, what, **kwargs):
        heard.append((booking.pk, what, booking.status))

    from booking_api.signals import booking_changed

    booking_changed.connect(listener)
    try:
        with django_capture_on_commit_callbacks(execute=True):
            booking_transition(booking=booking, to_status="confirmed", actor=staff_user)
        with django_capture_on_commit_callbacks(execute=True):
            booking_transition(
                booking=booking, to_status="started", actor=staff_user, now=at(MONDAY, "10:00")
            )
        with django_capture_on_commit_callbacks(execute=True):
            booking_transition(
                booking=booking, to_status="completed", actor=staff_user, now=at(MONDAY, "10:30")
            )
    finally:
        booking_changed.disconnect(listener)
    assert heard == [
        (booking.pk, "confirmed", "confirmed"),
        (booking.pk, "started", "started"),
        (booking.pk, "completed", "completed"),
    ]


# --- Nothing happens before its time -----------------------------------------------------
# A visit is started (or completed) at the earliest 15 minutes before its start — the
# client arrived early — and is a no-show only once its start has passed; otherwise the
# post-visit survey went out before the visit. The platform's own moves (imports, jobs:
# no actor) are not held to the clock.


@pytest.mark.parametrize(
    ("steps", "to_status", "now"),
    [
        ([], "started", "09:44"),
        (["started@09:50"], "completed", "09:44"),
        ([], "no_show", "09:59"),
    ],
)
def test_staff_cannot_move_a_booking_along_before_its_time(
    booking, staff_user, steps, to_status, now
):
    for step in steps:
        status, hhmm = step.split("@")
        booking = booking_transition(
            booking=booking, to_status=status, actor=staff_user, now=at(MONDAY, hhmm)
        )
    with nothing_changes(Booking, BookingEvent), pytest.raises(BookingError) as refused:
        booking_transition(
            booking=booking, to_status=to_status, actor=staff_user, now=at(MONDAY, now)
        )
    assert refused.value.code == "too_early"
    assert refused.value.status == 409
    assert "10:00" in refused.value.message


@pytest.mark.parametrize(
    ("to_status", "now"), [("started", "09:45"), ("no_show", "10:00"), ("no_show", "10:20")]
)
def test_staff_may_start_a_little_early_and_mark_a_no_show_once_it_began(
    booking, staff_user, to_status, now
):
    booking = booking_transition(
        booking=booking, to_status=to_status, actor=staff_user, now=at(MONDAY, now)
    )
    assert booking.status == to_status


def test_the_calendar_refuses_to_start_a_visit_a_day_early_and_offers_no_such_button(
    clinic, staff_user, patient, service, emma, django_capture_on_commit_callbacks
):
    from django.test import Client
    from django.utils import timezone

    from tests.fixtures.booking import add_booking

    tomorrow = add_booking(
        clinic, patient, service, emma, timezone.now() + datetime.timedelta(days=1)
    )
    desk = Client(HTTP_HOST=clinic.site.hostname)
    desk.force_login(staff_user)
    page = desk.get(f"/admin/bookings/calendar/{tomorrow.pk}/").content.decode()
    assert "Mark started" not in page and "Mark no-show" not in page
    for action in ("start", "no_show"):
        with nothing_changes(Booking, BookingEvent):
            response = desk.post(f"/admin/bookings/calendar/{tomorrow.pk}/{action}/", follow=True)
        assert "Too early" in response.content.decode()


def test_a_reschedule_never_moves_the_booking_to_another_location(clinic, booking, emma):
    """Emma works at the Soho branch in the evening: her evening times are not offered
    for a booking made at the main location, so a move keeps the client's address."""
    from booking_api.models import WorkingHours
    from branding.models import Location

    soho = Location.objects.create(clinic=clinic, key="soho", name="Soho")
    WorkingHours.objects.create(
        staff=emma,
        weekday=MONDAY.weekday(),
        start=datetime.time(18),
        end=datetime.time(20),
        location=soho,
    )
    main = booking.location
    with nothing_changes(Booking, BookingEvent), pytest.raises(BookingError) as refused:
        booking_reschedule(booking=booking, start=at(MONDAY, "18:30"))
    assert refused.value.field == "start"
    booking.refresh_from_db()
    assert booking.location == main and booking.start == at(MONDAY, "10:00")

    moved = booking_reschedule(booking=booking, start=at(MONDAY, "11:00"))
    assert moved.location == main
