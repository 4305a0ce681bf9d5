"""The waitlist: clients wait for a service; when a booking frees a slot, the first in
line for whom that day really has a free slot is told once; the next freed slot goes to
the next in line."""

import datetime

import pytest

from booking_api.models import WaitlistEntry
from booking_api.services import booking_cancel, booking_create, booking_reschedule
from booking_api.services.waitlist import waitlist_join, waitlist_offer_freed_slot
from notifications.models import Notification
from tests.factories.booking import StaffFactory
from tests.factories.clients import ClientAccountFactory
from tests.fixtures.booking import at

pytestmark = pytest.mark.django_db

WAITLIST = "/api/v1/waitlist"


def today():
    return datetime.date.today()


def soon():
    return today() + datetime.timedelta(days=14)


@pytest.fixture
def patient_api(api, patient):
    """The shared ``patient_api``, but the very client ``api`` is: tests here check both
    faces of one client."""
    api.force_authenticate(user=patient.user)
    return api


@pytest.fixture
def one_slot_a_day(clinic, service):
    """Emma does one 30-minute appointment a day, so a booking fills her day."""
    return StaffFactory(
        clinic=clinic,
        key="emma",
        display_name="Emma",
        services=[service],
        hours={d: [("09:00", "09:30")] for d in range(7)},
    )


def full_day(clinic, service, staff, day=None):
    """Emma's day is booked; returns that booking."""
    return booking_create(
        clinic=clinic,
        client=ClientAccountFactory(clinic=clinic),
        service=service,
        staff=staff,
        start=at(day or soon(), "09:00"),
    )


def waiting(clinic, service, staff=None, day=None):
    day = day or soon()
    return waitlist_join(
        clinic=clinic,
        client=ClientAccountFactory(clinic=clinic),
        service=service,
        staff=staff,
        date_from=day,
        date_to=day,
    )


def told(entry):
    entry.refresh_from_db()
    return (
        entry.notified_at is not None
        and Notification.objects.filter(user=entry.client.user, kind="waitlist_offer").count() == 1
    )


# --- joining and leaving, through the API ------------------------------------------------


def test_a_client_joins_lists_and_leaves_the_waitlist(patient_api, service, emma):
    day = soon()
    response = patient_api.post(
        WAITLIST,
        {
            "service": service.pk,
            "staff": emma.pk,
            "date_from": day.isoformat(),
            "date_to": (day + datetime.timedelta(days=6)).isoformat(),
        },
        format="json",
    )
    assert response.status_code == 201, response.json()
    listing = patient_api.get(WAITLIST).json()["results"]
    assert [
        (e["service"]["name"], e["staff"]["name"], e["date_from"], e["notified_at"])
        for e in listing
    ] == [("Consultation", "Emma", day.isoformat(), None)]
    assert patient_api.delete(f"{WAITLIST}/{listing[0]['id']}").status_code == 204
    assert patient_api.get(WAITLIST).json()["results"] == []


def test_without_dates_the_client_waits_from_today_for_62_days(patient_api, service):
    body = patient_api.post(WAITLIST, {"service": "consult"}, format="json").json()
    assert body["staff"] is None
    assert body["date_from"] == today().isoformat()
    assert body["date_to"] == (today() + datetime.timedelta(days=61)).isoformat()


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"service": 999999}, "service"),
        ({}, "service"),
        ({"service": "consult", "staff": 999999}, "staff"),
        ({"service": "consult", "date_from": "2030-13-01"}, "date_from"),
        ({"service": "consult", "date_from": -1}, "date_from"),
        ({"service": "consult", "date_from": 5, "date_to": 4}, "date_to"),
        ({"service": "consult", "date_from": 0, "date_to": 62}, "date_to"),
    ],
)
def test_bad_input_names_the_field(patient_api, service, emma, payload, field):
    payload = {
        k: (today() + datetime.timedelta(days=v)).isoformat()
        if isinstance(v, int) and k.startswith("date")
        else v
        for k, v in payload.items()
    }
    response = patient_api.post(WAITLIST, payload, format="json")
    assert response.status_code == 400
    body = response.json()
    assert field in body.get("errors", body)
    assert not WaitlistEntry.objects.exists()


def test_the_longest_range_allowed_is_62_days(patient_api, service):
    response = patient_api.post(
        WAITLIST,
        {
            "service": "consult",
            "date_from": today().isoformat(),
            "date_to": (today() + datetime.timedelta(days=61)).isoformat(),
        },
        format="json",
    )
    assert response.status_code == 201


def test_waiting_twice_for_the_same_thing_is_refused(patient_api, service):
    assert patient_api.post(WAITLIST, {"service": "consult"}, format="json").status_code == 201
    again = patient_api.post(WAITLIST, {"service": "consult"}, format="json")
    assert again.status_code == 409
    assert "already on the waitlist" in again.json()["detail"]


def test_another_clients_entry_is_not_found(api, clinic, service):
    theirs = waiting(clinic, service)
    api.force_authenticate(user=ClientAccountFactory(clinic=clinic).user)
    assert api.get(WAITLIST).json()["results"] == []
    assert api.delete(f"{WAITLIST}/{theirs.pk}").status_code == 404
    assert WaitlistEntry.objects.filter(pk=theirs.pk).exists()


def test_signed_out_visitors_cannot_join(api, service):
    assert api.post(WAITLIST, {"service": "consult"}, format="json").status_code in (401, 403)


# --- a freed slot goes to the first in line ----------------------------------------------


def test_a_cancellation_tells_the_first_in_line_only(clinic, service, one_slot_a_day, open_policy):
    booking = full_day(clinic, service, one_slot_a_day)
    first = waiting(clinic, service)
    second = waiting(clinic, service)

    booking_cancel(booking=booking, by_client=False)
    assert waitlist_offer_freed_slot(booking) == first

    assert told(first)
    assert not told(second)
    notification = Notification.objects.get(user=first.client.user)
    assert "Consultation" in notification.title
    assert f"{soon():%B}" in notification.body


def test_the_next_freed_slot_goes_to_the_next_in_line(clinic, service, one_slot_a_day, open_policy):
    first_booking = full_day(clinic, service, one_slot_a_day)
    first, second = waiting(clinic, service), waiting(clinic, service)
    booking_cancel(booking=first_booking, by_client=False)
    waitlist_offer_freed_slot(first_booking)
    # The first in line took the time; later another booking that day is cancelled.
    retaken = full_day(clinic, service, one_slot_a_day)
    booking_cancel(booking=retaken, by_client=False)
    assert waitlist_offer_freed_slot(retaken) == second
    assert told(first) and told(second)


def test_each_client_is_told_once_even_if_the_offer_runs_again(
    clinic, service, one_slot_a_day, open_policy
):
    booking = full_day(clinic, service, one_slot_a_day)
    first, second = waiting(clinic, service), waiting(clinic, service)
    booking_cancel(booking=booking, by_client=False)
    waitlist_offer_freed_slot(booking)
    assert waitlist_offer_freed_slot(booking) is None  # the same change, handled twice
    assert told(first)
    assert not told(second)
    assert Notification.objects.count() == 1


def test_an_entry_for_other_staff_is_passed_over(clinic, service, one_slot_a_day, open_policy):
    noah = StaffFactory(
        clinic=clinic,
        display_name="Noah",
        services=[service],
        hours={d: [("09:00", "09:30")] for d in range(7)},
    )
    full_day(clinic, service, noah)
    booking = full_day(clinic, service, one_slot_a_day)
    wants_noah = waiting(clinic, service, staff=noah)
    wants_emma = waiting(clinic, service, staff=one_slot_a_day)
    booking_cancel(booking=booking, by_client=False)
    assert waitlist_offer_freed_slot(booking) == wants_emma
    assert not told(wants_noah)


def test_an_entry_for_other_dates_is_passed_over(clinic, service, one_slot_a_day, open_policy):
    booking = full_day(clinic, service, one_slot_a_day)
    later = waiting(clinic, service, day=soon() + datetime.timedelta(days=1))
    booking_cancel(booking=booking, by_client=False)
    assert waitlist_offer_freed_slot(booking) is None
    assert not told(later)


def test_nobody_is_told_when_the_day_is_full_again(clinic, service, one_slot_a_day, open_policy):
    booking = full_day(clinic, service, one_slot_a_day)
    entry = waiting(clinic, service)
    booking_cancel(booking=booking, by_client=False)
    full_day(clinic, service, one_slot_a_day)  # someone booked the time straight away
    assert waitlist_offer_freed_slot(booking) is None
    assert not told(entry)
    # ...and the entry keeps its place for the next freed slot.
    assert WaitlistEntry.objects.get(pk=entry.pk).notified_at is None


def test_the_client_who_gave_the_time_up_is_not_offered_it(
    clinic, service, one_slot_a_day, open_policy
):
    booking = full_day(clinic, service, one_slot_a_day)
    own = waitlist_join(
        clinic=clinic, client=booking.client, service=service, date_from=soon(), date_to=soon()
    )
    other = waiting(clinic, service)
    booking_cancel(booking=booking, by_client=False)
    assert waitlist_offer_freed_slot(booking) == other
    assert not told(own)


def test_a_reschedule_frees_the_previous_day(clinic, service, one_slot_a_day, open_policy):
    booking = full_day(clinic, service, one_slot_a_day)
    previous_start = booking.start
    entry = waiting(clinic, service)
    booking_reschedule(
        booking=booking, start=at(soon() + datetime.timedelta(days=2), "09:00"), by_client=False
    )
    assert waitlist_offer_freed_slot(booking, freed_start=previous_start.isoformat()) == entry
    assert told(entry)


def test_the_told_client_sees_it_in_the_notification_centre(
    clinic, service, one_slot_a_day, open_policy, api
):
    booking = full_day(clinic, service, one_slot_a_day)
    entry = waiting(clinic, service)
    booking_cancel(booking=booking, by_client=False)
    waitlist_offer_freed_slot(booking)
    api.force_authenticate(user=entry.client.user)
    titles = [n["title"] for n in api.get("/api/v1/notifications").json()["results"]]
    assert titles == ["A time opened up for Consultation"]
    listed = api.get(WAITLIST).json()["results"]
    assert listed[0]["notified_at"] is not None
