"""The booking REST API as a mobile app or the portal uses it."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from booking_api.models import Booking, BookingEvent, BookingStatus
from branding.models import Clinic
from branding.services import features_update, policy_update
from notifications.models import Notification
from tests.factories.booking import ServiceFactory, StaffFactory
from tests.factories.clients import ClientAccountFactory
from tests.fixtures.booking import MONDAY, SUMMER_MONDAY, add_booking, at
from tests.fixtures.clinics import host_client
from tests.fixtures.honesty import nothing_changes

pytestmark = pytest.mark.django_db

D = str(MONDAY)


def availability(api, **params):
    params = {"service": "consult", "from": str(MONDAY), "to": str(MONDAY), **params}
    return api.get("/api/v1/availability", params)


def test_services_staff_and_locations_are_listed(api, clinic, service, emma):
    services = api.get("/api/v1/services").json()["results"]
    assert [(s["id"], s["key"], s["name"]) for s in services] == [
        (service.pk, "consult", "Consultation")
    ]
    assert services[0]["staff"] == [emma.pk] and services[0]["currency"] == "GBP"
    staff = api.get("/api/v1/staff", {"service": "consult"}).json()["results"]
    assert [s["key"] for s in staff] == ["emma"]
    locations = api.get("/api/v1/locations").json()["results"]
    assert [loc["key"] for loc in locations] == ["main"]


def test_availability_is_public_and_in_the_clinic_time_zone(api, open_policy, service, emma):
    response = availability(api)
    assert response.status_code == 200
    body = response.json()
    assert body["timezone"] == "Europe/London"
    first = body["slots"][0]
    assert first["start"] == f"{D}T09:00:00Z" or first["start"].startswith(f"{D}T09:00:00")
    assert first["staff"] == [emma.pk]
    assert [s["start"] for s in body["slots"]] == sorted(s["start"] for s in body["slots"])


def test_availability_in_summer_carries_the_offset(api, open_policy, service, emma):
    day = str(SUMMER_MONDAY)
    body = availability(api, **{"from": day, "to": day}).json()
    assert body["slots"][0]["start"] == f"{day}T09:00:00+01:00"


def test_availability_accepts_keys_and_ids(api, open_policy, service, emma):
    by_key = availability(api, staff="emma").json()["slots"]
    by_id = availability(api, service=str(service.pk), staff=str(emma.pk)).json()["slots"]
    assert by_key == by_id and by_key


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"service": "nope"}, "service"),
        ({"staff": "nobody"}, "staff"),
        ({"from": "2030-13-01"}, "from"),
        ({"to": "yesterday"}, "to"),
        ({"to": str(MONDAY + datetime.timedelta(days=62))}, "to"),
        ({"to": str(MONDAY - datetime.timedelta(days=1))}, "to"),
        ({"location": "mars"}, "location"),
    ],
)
def test_bad_availability_queries_name_the_field(api, open_policy, service, emma, params, field):
    response = availability(api, **params)
    assert response.status_code == 400
    body = response.json()
    assert field in body or body.get("field") == field, body


def test_availability_runs_a_constant_number_of_queries(clinic, open_policy, service):
    """At most 8 SQL queries for the engine, however many days, staff and bookings."""
    from booking_api.availability import find_slots

    def count(days):
        fresh = Clinic.objects.get(pk=clinic.pk)  # nothing cached from an earlier call
        with CaptureQueriesContext(connection) as ctx:
            find_slots(
                clinic=fresh,
                service=service,
                date_from=MONDAY,
                date_to=MONDAY + datetime.timedelta(days=days - 1),
                now=at(MONDAY, "00:00"),
            )
        return len(ctx)

    StaffFactory(clinic=clinic, services=[service])
    small = count(1)
    for _ in range(5):
        StaffFactory(clinic=clinic, services=[service])
    client = ClientAccountFactory(clinic=clinic)
    for staff in service.staff.all():
        for day in range(10):
            start = at(MONDAY + datetime.timedelta(days=day), "10:00")
            Booking.objects.create(
                clinic=clinic,
                client=client,
                service=service,
                staff=staff,
                location_id=staff.working_hours.first().location_id,
                start=start,
                end=start + datetime.timedelta(minutes=30),
                blocked_start=start,
                blocked_end=start + datetime.timedelta(minutes=30),
                price=1,
                currency="GBP",
                source="staff",
            )
    large = count(30)
    assert small <= 8 and large <= 8
    assert large == small


def test_book_a_slot_then_it_is_gone(patient_api, api, open_policy, service, emma):
    response = patient_api.post(
        "/api/v1/bookings",
        {"service": "consult", "staff": "any", "start": f"{D}T10:00:00+00:00"},
        format="json",
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["staff"]["key"] == "emma" and body["status"] == "booked"
    assert body["price"] == 4500 and body["currency"] == "GBP"
    starts = [s["start"][11:16] for s in availability(api).json()["slots"]]
    assert "10:00" not in starts and "09:30" in starts


def test_booking_a_taken_slot_is_a_409_with_a_message(
    patient_api, clinic, open_policy, service, emma
):
    other = host_client(clinic, APIClient)
    other.force_authenticate(ClientAccountFactory(clinic=clinic).user)
    payload = {"service": "consult", "staff": "emma", "start": f"{D}T10:00:00Z"}
    assert other.post("/api/v1/bookings", payload, format="json").status_code == 201
    response = patient_api.post("/api/v1/bookings", payload, format="json")
    assert response.status_code == 409
    assert "just been taken" in response.json()["detail"]


def test_a_lost_any_staff_race_is_a_409_slot_taken(patient_api, api, clinic, open_policy):
    """Issue 18 #12: when every staff member is booked at an offered time between the
    listing and "Book" (staff: any), the client lost a race: 409 slot_taken, not 400 "not
    one of the offered slots". The grid stays on the hour after a 20-minute visit."""
    hourly = ServiceFactory(clinic=clinic, key="facial", duration_minutes=60, slot_step_minutes=60)
    quick = ServiceFactory(clinic=clinic, key="quick", duration_minutes=20)
    team = [StaffFactory(clinic=clinic, services=[hourly, quick]) for _ in range(2)]
    for member in team:
        add_booking(clinic, ClientAccountFactory(clinic=clinic), quick, member, at(MONDAY, "09:00"))
    offered = [s["start"][11:16] for s in availability(api, service="facial").json()["slots"]]
    assert offered[:2] == ["10:00", "11:00"]
    for member in team:  # the race: others take 10:00 with everyone who could do it
        add_booking(
            clinic, ClientAccountFactory(clinic=clinic), hourly, member, at(MONDAY, "10:00")
        )

    with nothing_changes(Booking):
        response = patient_api.post(
            "/api/v1/bookings",
            {"service": "facial", "staff": "any", "start": f"{D}T10:00:00Z"},
            format="json",
        )

    assert response.status_code == 409, response.json()
    assert response.json()["code"] == "slot_taken"
    assert response.json()["field"] == "start"
    assert "just been taken" in response.json()["detail"]


def test_a_start_off_every_grid_is_still_a_400(patient_api, clinic, open_policy):
    hourly = ServiceFactory(clinic=clinic, key="facial", duration_minutes=60, slot_step_minutes=60)
    quick = ServiceFactory(clinic=clinic, key="quick", duration_minutes=20)
    member = StaffFactory(clinic=clinic, services=[hourly, quick])
    add_booking(clinic, ClientAccountFactory(clinic=clinic), quick, member, at(MONDAY, "09:00"))
    add_booking(clinic, ClientAccountFactory(clinic=clinic), hourly, member, at(MONDAY, "10:20"))

    response = patient_api.post(
        "/api/v1/bookings",
        {"service": "facial", "staff": "any", "start": f"{D}T10:50:00Z"},
        format="json",
    )

    assert response.status_code == 400
    assert response.json()["code"] == "slot_not_offered"


def test_a_start_that_is_not_offered_is_a_400(patient_api, open_policy, service, emma):
    response = patient_api.post(
        "/api/v1/bookings", {"service": "consult", "start": f"{D}T10:07:00Z"}, format="json"
    )
    assert response.status_code == 400
    assert response.json()["field"] == "start"


def test_a_start_without_its_utc_offset_is_refused_saying_so(
    patient_api, open_policy, service, emma
):
    response = patient_api.post(
        "/api/v1/bookings", {"service": "consult", "start": f"{D}T10:00:00"}, format="json"
    )
    assert response.status_code == 400
    assert "UTC offset" in response.json()["errors"]["start"][0]
    assert Booking.objects.count() == 0


def test_booking_needs_sign_in(api, open_policy, service, emma):
    response = api.post(
        "/api/v1/bookings", {"service": "consult", "start": f"{D}T10:00:00Z"}, format="json"
    )
    assert response.status_code in (401, 403)
    assert Booking.objects.count() == 0


def test_online_booking_off_is_a_403_with_a_message(
    patient_api, api, clinic, open_policy, service, emma
):
    features_update(clinic=clinic, online_booking=False)
    response = patient_api.post(
        "/api/v1/bookings", {"service": "consult", "start": f"{D}T10:00:00Z"}, format="json"
    )
    assert response.status_code == 403
    assert "turned off" in response.json()["detail"]
    assert availability(api).status_code == 403


def test_my_bookings_and_another_clients_are_404(
    patient_api, clinic, patient, open_policy, service, emma
):
    mine = patient_api.post(
        "/api/v1/bookings", {"service": "consult", "start": f"{D}T10:00:00Z"}, format="json"
    ).json()
    stranger = host_client(clinic, APIClient)
    stranger.force_authenticate(ClientAccountFactory(clinic=clinic).user)
    assert stranger.get(f"/api/v1/bookings/{mine['id']}").status_code == 404
    assert stranger.post(f"/api/v1/bookings/{mine['id']}/cancel").status_code == 404
    assert stranger.get("/api/v1/bookings").json()["results"] == []
    listed = patient_api.get("/api/v1/bookings", {"when": "upcoming"}).json()["results"]
    assert [b["id"] for b in listed] == [mine["id"]]
    assert patient_api.get("/api/v1/bookings", {"when": "past"}).json()["results"] == []


def test_another_clinics_domain_never_shows_my_booking(
    patient_api, patient, other_clinic, open_policy, service, emma
):
    mine = patient_api.post(
        "/api/v1/bookings", {"service": "consult", "start": f"{D}T10:00:00Z"}, format="json"
    ).json()
    elsewhere = host_client(other_clinic, APIClient)
    elsewhere.force_authenticate(patient.user)
    # Not a client there (reading never makes one): refused, and nothing of Glow's shown.
    for path in (f"/api/v1/bookings/{mine['id']}", "/api/v1/bookings"):
        response = elsewhere.get(path)
        assert response.status_code == 403
        assert response.json()["code"] == "not_a_client_here"
        assert mine["reference"] not in response.content.decode()
    # A client there too: still only that clinic's bookings.
    ClientAccountFactory(clinic=other_clinic, user=patient.user)
    assert elsewhere.get(f"/api/v1/bookings/{mine['id']}").status_code == 404
    assert elsewhere.get("/api/v1/bookings").json()["results"] == []


def test_reschedule_keeps_the_booking(patient_api, api, open_policy, service, emma):
    booking = patient_api.post(
        "/api/v1/bookings", {"service": "consult", "start": f"{D}T10:00:00Z"}, format="json"
    ).json()
    response = patient_api.post(
        f"/api/v1/bookings/{booking['id']}/reschedule", {"start": f"{D}T14:00:00Z"}, format="json"
    )
    assert response.status_code == 200, response.json()
    moved = response.json()
    assert moved["id"] == booking["id"] and moved["reference"] == booking["reference"]
    assert moved["start"].startswith(f"{D}T14:00") and moved["reschedule_count"] == 1
    starts = [s["start"][11:16] for s in availability(api).json()["slots"]]
    assert "10:00" in starts and "14:00" not in starts


def test_reschedule_limit(patient_api, clinic, open_policy, service, emma):
    policy_update(clinic=clinic, reschedule_limit=1)
    booking = patient_api.post(
        "/api/v1/bookings", {"service": "consult", "start": f"{D}T10:00:00Z"}, format="json"
    ).json()
    url = f"/api/v1/bookings/{booking['id']}/reschedule"
    assert patient_api.post(url, {"start": f"{D}T11:00:00Z"}, format="json").status_code == 200
    with nothing_changes(Booking):
        refused = patient_api.post(url, {"start": f"{D}T12:00:00Z"}, format="json")
    assert refused.status_code == 403
    assert "contact the clinic" in refused.json()["detail"]


def test_a_move_to_the_time_it_already_has_is_refused_and_uses_up_nothing(
    patient_api, clinic, open_policy, service, emma
):
    """Found trying the API: a "move" to the booking's own time counted as a reschedule
    (using up the clinic's limit) and sent a second "Booking moved" message."""
    policy_update(clinic=clinic, reschedule_limit=1)
    booking = patient_api.post(
        "/api/v1/bookings", {"service": "consult", "start": f"{D}T10:00:00Z"}, format="json"
    ).json()
    url = f"/api/v1/bookings/{booking['id']}/reschedule"
    with nothing_changes(Booking, BookingEvent, Notification):
        refused = patient_api.post(url, {"start": booking["start"]}, format="json")
    assert refused.status_code == 400
    assert refused.json()["code"] == "same_time" and refused.json()["field"] == "start"
    assert patient_api.post(url, {"start": f"{D}T11:00:00Z"}, format="json").status_code == 200


def test_cancel_shows_the_quote_first(patient_api, clinic, service, emma):
    policy_update(
        clinic=clinic,
        min_notice_minutes=0,
        max_advance_days=730,
        cancellation_window_hours=24,
        late_cancel_fee_kind="percent",
        late_cancel_fee_value=50,
    )
    start = (datetime.datetime.now(datetime.UTC) + datetime.timedelta(hours=3)).replace(
        minute=0, second=0, microsecond=0
    )
    # Make sure the staff member works then, whatever the hour of the test run.
    emma.working_hours.update(start=datetime.time(0), end=datetime.time(23, 59))
    booking = patient_api.post(
        "/api/v1/bookings", {"service": "consult", "start": start.isoformat()}, format="json"
    )
    assert booking.status_code == 201, booking.json()
    url = f"/api/v1/bookings/{booking.json()['id']}/cancel"
    quote = patient_api.get(url).json()
    assert quote["allowed"] is True and quote["free"] is False
    assert quote["fee"] == 2250 and quote["currency"] == "GBP"
    cancelled = patient_api.post(url, {"reason": "ill"}, format="json")
    assert cancelled.status_code == 200 and cancelled.json()["status"] == "cancelled"
    with nothing_changes(Booking):
        again = patient_api.post(url, format="json")
    assert again.status_code == 409
    assert "cancelled" in again.json()["detail"]


def test_cancel_early_is_free(patient_api, open_policy, service, emma):
    booking = patient_api.post(
        "/api/v1/bookings", {"service": "consult", "start": f"{D}T10:00:00Z"}, format="json"
    ).json()
    quote = patient_api.get(f"/api/v1/bookings/{booking['id']}/cancel").json()
    assert quote == {**quote, "allowed": True, "free": True, "fee": 0}


def test_self_cancel_off_is_refused(patient_api, clinic, open_policy, service, emma):
    booking = patient_api.post(
        "/api/v1/bookings", {"service": "consult", "start": f"{D}T10:00:00Z"}, format="json"
    ).json()
    features_update(clinic=clinic, self_cancel=False)
    with nothing_changes(Booking):
        response = patient_api.post(f"/api/v1/bookings/{booking['id']}/cancel", format="json")
    assert response.status_code == 403
    assert Booking.objects.get(pk=booking["id"]).status == BookingStatus.BOOKED


def test_bookings_are_paged_like_every_list_with_a_page_size_limit(
    patient_api, patient, clinic, service, emma
):
    start = datetime.datetime(2020, 1, 6, 10, tzinfo=datetime.UTC)
    for day in range(3):
        add_booking(clinic, patient, service, emma, start + datetime.timedelta(days=day))
    first = patient_api.get("/api/v1/bookings", {"when": "past", "page_size": 2}).json()
    assert first["count"] == 3 and len(first["results"]) == 2 and first["previous"] is None
    assert "page=2" in first["next"] and "page_size=2" in first["next"]
    second = patient_api.get(first["next"]).json()
    assert [b["start"][:10] for b in first["results"] + second["results"]] == [
        "2020-01-08",
        "2020-01-07",
        "2020-01-06",
    ]
    # page_size is capped at 100; past the last page is a JSON 404; a bad `when` names it.
    assert patient_api.get("/api/v1/bookings", {"page_size": 1000}).json()["count"] == 3
    beyond = patient_api.get("/api/v1/bookings", {"page": 9})
    assert beyond.status_code == 404 and beyond.json()["code"] == "not_found"
    bad = patient_api.get("/api/v1/bookings", {"when": "someday"})
    assert bad.status_code == 400 and bad.json()["field"] == "when"


def test_history_off_lists_no_past_bookings_as_the_portal_shows_none(
    patient_api, patient, clinic, service, emma
):
    past = add_booking(clinic, patient, service, emma, at(datetime.date(2020, 1, 6), "10:00"))
    upcoming = add_booking(clinic, patient, service, emma, at(MONDAY, "10:00"))
    assert patient_api.get("/api/v1/bookings").json()["count"] == 2
    features_update(clinic=clinic, history=False)
    refused = patient_api.get("/api/v1/bookings", {"when": "past"})
    assert refused.status_code == 403 and refused.json()["code"] == "feature_disabled"
    listed = patient_api.get("/api/v1/bookings").json()["results"]
    assert [b["id"] for b in listed] == [upcoming.pk] and past.pk not in {b["id"] for b in listed}


def test_the_quote_does_not_offer_cancelling_a_completed_visit_or_with_self_cancel_off(
    patient_api, patient, clinic, open_policy, service, emma
):
    done = add_booking(
        clinic,
        patient,
        service,
        emma,
        at(datetime.date(2020, 1, 6), "10:00"),
        BookingStatus.COMPLETED,
    )
    quote = patient_api.get(f"/api/v1/bookings/{done.pk}/cancel").json()
    assert quote["allowed"] is False and quote["fee"] == 0
    assert "can no longer be cancelled" in quote["message"]
    booked = add_booking(clinic, patient, service, emma, at(MONDAY, "10:00"))
    assert patient_api.get(f"/api/v1/bookings/{booked.pk}/cancel").json()["allowed"] is True
    features_update(clinic=clinic, self_cancel=False)
    off = patient_api.get(f"/api/v1/bookings/{booked.pk}/cancel")
    assert off.status_code == 403 and off.json()["code"] == "feature_disabled"


def test_blocked_client_gets_a_clear_message(patient_api, patient, open_policy, service, emma):
    patient.online_booking_blocked = True
    patient.save()
    response = patient_api.post(
        "/api/v1/bookings", {"service": "consult", "start": f"{D}T10:00:00Z"}, format="json"
    )
    assert response.status_code == 403
    assert "call the clinic" in response.json()["detail"]
    assert not Booking.objects.exists()


def test_any_available_spreads_the_load(patient_api, clinic, open_policy, service):
    busy = StaffFactory(clinic=clinic, services=[service])
    free = StaffFactory(clinic=clinic, services=[service])
    other = ClientAccountFactory(clinic=clinic)
    from booking_api.services import booking_create

    booking_create(
        clinic=clinic,
        client=other,
        service=service,
        staff=busy,
        start=at(MONDAY, "15:00"),
        source="staff",
    )
    response = patient_api.post(
        "/api/v1/bookings",
        {"service": "consult", "staff": "any", "start": f"{D}T10:00:00Z"},
        format="json",
    )
    assert response.json()["staff"]["id"] == free.pk


def test_price_is_integer_minor_units(patient_api, clinic, open_policy):
    # The service's own deposit, taken at a clinic whose payment setting is a deposit.
    policy_update(clinic=clinic, payment_mode="deposit", deposit_percent=20)
    service = ServiceFactory(clinic=clinic, key="peel", price=12999, deposit=2000)
    StaffFactory(clinic=clinic, services=[service])
    body = patient_api.post(
        "/api/v1/bookings", {"service": "peel", "start": f"{D}T10:00:00Z"}, format="json"
    ).json()
    assert (body["price"], body["deposit"]) == (12999, 2000)


def test_a_booking_can_be_added_to_a_calendar(patient_api, open_policy, service, emma):
    booking = patient_api.post(
        "/api/v1/bookings", {"service": "consult", "start": f"{D}T10:00:00Z"}, format="json"
    ).json()
    links = booking["add_to_calendar"]
    assert links["google"].startswith("https://calendar.google.com/")
    ics = patient_api.get(links["ics"].replace("http://glow.localhost", ""))
    assert ics.status_code == 200 and ics["Content-Type"].startswith("text/calendar")
    assert b"BEGIN:VEVENT" in ics.content and b"Consultation" in ics.content


@pytest.mark.parametrize("mode", ["deposit", "full"])
def test_a_clinic_taking_payment_only_holds_a_plain_booking(
    patient_api, clinic, open_policy, service, emma, mode
):
    """Booking through the plain endpoint cannot skip the payment: the slot is held
    until the payments app confirms it."""
    percent = 20 if mode == "deposit" else None  # a deposit comes with its percent
    policy_update(
        clinic=clinic, payment_mode=mode, deposit_percent=percent, payment_hold_minutes=10
    )
    body = patient_api.post(
        "/api/v1/bookings", {"service": "consult", "start": f"{D}T10:00:00Z"}, format="json"
    ).json()
    assert body["status"] == "pending_payment"
    booking = Booking.objects.get(pk=body["id"])
    assert booking.hold_expires_at is not None


def test_cancelling_twice_says_it_is_already_cancelled(patient_api, open_policy, service, emma):
    booking = patient_api.post(
        "/api/v1/bookings", {"service": "consult", "start": f"{D}T10:00:00Z"}, format="json"
    ).json()
    url = f"/api/v1/bookings/{booking['id']}/cancel"
    assert patient_api.post(url, {}, format="json").status_code == 200
    with nothing_changes(Booking, BookingEvent):
        again = patient_api.post(url, {}, format="json")
    assert again.status_code == 409
    assert again.json()["detail"] == "This booking is already cancelled."
