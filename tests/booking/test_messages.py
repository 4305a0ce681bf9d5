"""Messages around a booking: the client's confirmation / change / cancellation emails
with their calendar invitation, and the assigned staff member's notices. Everything runs
the way production does: the booking service queues the side effects after commit, the
django-q2 task (synchronous in tests) sends through the notifications outbox."""

import datetime
import re
from urllib.parse import parse_qs, urlsplit

import pytest
from django.core import mail
from icalendar import Calendar

from booking_api import tasks
from booking_api.action_links import booking_from_action_token
from booking_api.models import BookingStatus
from booking_api.services import (
    booking_cancel,
    booking_create,
    booking_reschedule,
    booking_transition,
)
from booking_api.services import side_effects as side_effects_module
from tests.factories.booking import StaffFactory
from tests.factories.clients import UserFactory
from tests.fixtures.booking import MONDAY, at

pytestmark = pytest.mark.django_db

SUMMER_MONDAY = MONDAY + datetime.timedelta(weeks=26)  # British Summer Time
TUESDAY = MONDAY + datetime.timedelta(days=1)


@pytest.fixture
def run_after_commit(django_capture_on_commit_callbacks):
    """Run a write and the work it queues after commit (side effects, sending)."""

    def run(write, *args, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return write(*args, **kwargs)

    return run


@pytest.fixture
def emma_with_login(clinic, emma):
    """Emma with a login, so she is told about her bookings."""
    emma.user = UserFactory(email="emma@glow.example")
    emma.save(update_fields=["user"])
    return emma


def create(run, clinic, patient, service, staff, start, **kwargs):
    return run(
        booking_create,
        clinic=clinic,
        client=patient,
        service=service,
        start=start,
        staff=staff,
        source=kwargs.pop("source", "staff"),
        **kwargs,
    )


def emails_to(address):
    return [m for m in mail.outbox if m.to == [address]]


def invite(message):
    """The calendar attachment of an email: (parsed calendar, its event, mimetype)."""
    (attachment,) = [a for a in message.attachments if a.filename.endswith(".ics")]
    calendar = Calendar.from_ical(attachment.content)
    (event,) = calendar.events
    return calendar, event, attachment.mimetype


def test_the_confirmation_email_carries_the_invite_in_local_time(
    open_policy, patient, service, emma_with_login, run_after_commit
):
    booking = create(
        run_after_commit, open_policy, patient, service, emma_with_login, at(SUMMER_MONDAY, "10:00")
    )

    (email,) = emails_to(patient.user.email)
    assert email.subject.startswith("Booking confirmed: Consultation")
    assert "10:00" in email.subject
    assert "10:00–10:30 (Europe/London)" in email.body
    assert "Emma" in email.body
    calendar, event, mimetype = invite(email)
    assert mimetype == "text/calendar; method=REQUEST"
    assert re.search(r'Content-Type: text/calendar; method="?REQUEST"?', str(email.message()))
    assert calendar["METHOD"] == "REQUEST"
    assert event["DTSTART"].params["TZID"] == "Europe/London"
    assert event.start == at(SUMMER_MONDAY, "10:00")
    assert event.start.astimezone(datetime.UTC).hour == 9  # BST
    assert event["UID"] == f"{booking.reference}@glow.localhost"
    assert event["SEQUENCE"] == 0
    # The email's own links work for what they say.
    for action in ("reschedule", "cancel"):
        url = re.search(rf"https://glow\.localhost/bookings/\S+/{action}/\S+", email.body)
        token = parse_qs(urlsplit(url.group()).query)["token"][0]
        assert booking_from_action_token(token, action, clinic=open_policy) == booking
    assert "calendar.google.com" in email.body


def test_a_reschedule_updates_the_same_event_and_a_cancel_removes_it(
    open_policy, patient, service, emma_with_login, run_after_commit
):
    booking = create(
        run_after_commit, open_policy, patient, service, emma_with_login, at(MONDAY, "10:00")
    )
    booking = run_after_commit(
        booking_reschedule, booking=booking, start=at(TUESDAY, "14:00"), by_client=False
    )
    run_after_commit(booking_cancel, booking=booking, by_client=False)

    confirmed, moved, cancelled = emails_to(patient.user.email)
    _, first, _ = invite(confirmed)
    _, second, _ = invite(moved)
    calendar, third, mimetype = invite(cancelled)

    assert moved.subject.startswith("Booking moved: Consultation")
    assert "14:00" in moved.subject
    assert "10:00" in moved.body  # where it was
    assert second.start == at(TUESDAY, "14:00")
    assert first["UID"] == second["UID"] == third["UID"]
    assert first["SEQUENCE"] == 0 and second["SEQUENCE"] == 1
    assert third["SEQUENCE"] > second["SEQUENCE"]

    assert cancelled.subject.startswith("Booking cancelled: Consultation")
    assert calendar["METHOD"] == "CANCEL"
    assert third["STATUS"] == "CANCELLED"
    assert mimetype == "text/calendar; method=CANCEL"


def test_running_the_side_effects_again_tells_nobody_twice(
    open_policy, patient, service, emma_with_login, run_after_commit
):
    booking = create(
        run_after_commit, open_policy, patient, service, emma_with_login, at(MONDAY, "10:00")
    )
    assert len(mail.outbox) == 2  # the client and Emma
    run_after_commit(tasks.booking_changed, booking.pk, "created")
    run_after_commit(tasks.booking_changed, booking.pk, "confirmed")
    assert len(mail.outbox) == 2


def test_the_staff_member_is_told_of_new_moved_and_cancelled_bookings(
    open_policy, patient, service, emma_with_login, run_after_commit
):
    patient.user.first_name, patient.user.last_name = "Ada", "Lovelace"
    patient.user.save()
    booking = create(
        run_after_commit,
        open_policy,
        patient,
        service,
        emma_with_login,
        at(MONDAY, "10:00"),
        client_notes="Sensitive skin",
    )
    booking = run_after_commit(
        booking_reschedule, booking=booking, start=at(MONDAY, "15:00"), by_client=False
    )
    run_after_commit(booking_cancel, booking=booking, by_client=False)

    new, moved, cancelled = emails_to("emma@glow.example")
    assert new.subject.startswith("New booking: Ada Lovelace, Consultation")
    assert "Sensitive skin" in new.body
    assert moved.subject.startswith("Booking moved: Ada Lovelace, Consultation")
    assert "15:00" in moved.subject and "10:00" in moved.body
    assert cancelled.subject.startswith("Booking cancelled: Ada Lovelace, Consultation")
    assert "15:00" in cancelled.subject
    assert all(not m.attachments for m in (new, moved, cancelled))
    notes = emma_with_login.user.notifications.order_by("pk")
    assert [n.category for n in notes] == ["booking"] * 3


def test_a_booking_handed_to_another_staff_member_tells_both(
    open_policy, clinic, patient, service, emma_with_login, run_after_commit
):
    lena = StaffFactory(
        clinic=clinic,
        key="lena",
        display_name="Lena",
        services=[service],
        user=UserFactory(email="lena@glow.example"),
    )
    booking = create(
        run_after_commit, open_policy, patient, service, emma_with_login, at(MONDAY, "10:00")
    )
    run_after_commit(
        booking_reschedule, booking=booking, start=at(MONDAY, "11:00"), staff=lena, by_client=False
    )

    new, moved_away = emails_to("emma@glow.example")
    assert "moved to Lena" in moved_away.subject
    assert "no longer in your diary" in moved_away.body
    (lenas,) = emails_to("lena@glow.example")
    assert lenas.subject.startswith("New booking:")
    assert "11:00" in lenas.subject


def test_staff_without_a_login_are_not_emailed(
    open_policy, patient, service, emma, run_after_commit
):
    create(run_after_commit, open_policy, patient, service, emma, at(MONDAY, "10:00"))
    assert [m.to for m in mail.outbox] == [[patient.user.email]]


def test_a_held_booking_is_confirmed_once_paid_and_a_lapsed_hold_tells_nobody(
    open_policy, patient, service, emma_with_login, run_after_commit
):
    held = create(
        run_after_commit,
        open_policy,
        patient,
        service,
        emma_with_login,
        at(MONDAY, "10:00"),
        status=BookingStatus.PENDING_PAYMENT,
        hold_minutes=15,
    )
    assert mail.outbox == []
    run_after_commit(booking_transition, booking=held, to_status=BookingStatus.CONFIRMED)
    assert len(emails_to(patient.user.email)) == 1
    assert len(emails_to("emma@glow.example")) == 1

    mail.outbox.clear()
    lapsed = create(
        run_after_commit,
        open_policy,
        patient,
        service,
        emma_with_login,
        at(MONDAY, "12:00"),
        status=BookingStatus.PENDING_PAYMENT,
        hold_minutes=15,
    )
    run_after_commit(booking_transition, booking=lapsed, to_status=BookingStatus.CANCELLED)
    assert mail.outbox == []


def test_an_imported_booking_is_not_announced(
    open_policy, patient, service, emma_with_login, run_after_commit
):
    create(
        run_after_commit,
        open_policy,
        patient,
        service,
        emma_with_login,
        at(MONDAY, "10:00"),
        source="import",
    )
    assert mail.outbox == []


def test_a_freed_slot_goes_to_the_waitlist(
    open_policy, patient, service, emma, run_after_commit, monkeypatch
):
    offered = []
    real = side_effects_module.waitlist_offer_freed_slot

    def spy(booking, **kwargs):
        offered.append((booking.pk, kwargs.get("freed_start")))
        return real(booking, **kwargs)

    monkeypatch.setattr(side_effects_module, "waitlist_offer_freed_slot", spy)
    booking = create(run_after_commit, open_policy, patient, service, emma, at(MONDAY, "10:00"))
    booking = run_after_commit(
        booking_reschedule, booking=booking, start=at(MONDAY, "11:00"), by_client=False
    )
    run_after_commit(booking_cancel, booking=booking, by_client=False)
    assert offered == [
        (booking.pk, at(MONDAY, "10:00").astimezone(datetime.UTC).isoformat()),
        (booking.pk, None),
    ]
