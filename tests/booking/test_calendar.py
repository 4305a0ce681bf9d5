"""Calendar invitations (.ics and the Google Calendar link) and the signed reschedule /
cancel links in booking messages."""

import datetime
import zoneinfo
from urllib.parse import parse_qs, urlsplit

import pytest
from django.core import signing
from icalendar import Calendar

from booking_api.action_links import (
    ACTION_LINK_MAX_AGE,
    ActionLinkError,
    booking_action_links,
    booking_from_action_token,
)
from booking_api.calendar_invites import booking_ics, google_calendar_link
from booking_api.services import booking_create, booking_reschedule
from tests.factories.booking import ServiceFactory, StaffFactory
from tests.factories.clients import ClientAccountFactory
from tests.fixtures.booking import MONDAY, at

pytestmark = pytest.mark.django_db

SUMMER_MONDAY = MONDAY + datetime.timedelta(weeks=26)  # early July: British Summer Time
DAY = f"{SUMMER_MONDAY:%Y%m%d}"
NEW_YORK = zoneinfo.ZoneInfo("America/New_York")
UTC = datetime.UTC


def book(clinic, client, service, staff, start):
    return booking_create(
        clinic=clinic, client=client, service=service, start=start, staff=staff, source="staff"
    )


def parse(ics):
    calendar = Calendar.from_ical(ics)
    (event,) = calendar.events
    return calendar, event


def test_the_invite_is_in_the_clinics_zone_with_its_vtimezone(open_policy, patient, service, emma):
    booking = book(open_policy, patient, service, emma, at(SUMMER_MONDAY, "10:00"))
    calendar, event = parse(booking_ics(booking))

    assert calendar["METHOD"] == "REQUEST"
    assert event["DTSTART"].params["TZID"] == "Europe/London"
    assert event["DTSTART"].to_ical() == f"{DAY}T100000".encode()
    assert event.start == at(SUMMER_MONDAY, "10:00")
    assert event.start.astimezone(UTC) == at(SUMMER_MONDAY, "09:00", UTC)
    assert event.end - event.start == datetime.timedelta(minutes=30)
    # The file's own VTIMEZONE puts it at the same instant (BST, UTC+1) in any calendar.
    (vtimezone,) = calendar.walk("VTIMEZONE")
    assert vtimezone["TZID"] == "Europe/London"
    own_zone = vtimezone.to_tz()
    local = event.start.replace(tzinfo=None)
    assert local.replace(tzinfo=own_zone).astimezone(UTC) == booking.start
    assert event["UID"] == f"{booking.reference}@glow.localhost"
    assert event["SEQUENCE"] == 0
    assert event["STATUS"] == "CONFIRMED"
    assert str(event["ATTENDEE"]) == f"mailto:{patient.user.email}"
    assert str(event["ORGANIZER"]).startswith("mailto:")
    assert event["ORGANIZER"].params["CN"] == "Glow Aesthetics"
    assert "Consultation" in str(event["SUMMARY"])


def test_a_clinic_in_new_york_gets_new_york_time(other_clinic):
    from branding.services import policy_update

    policy_update(clinic=other_clinic, min_notice_minutes=0, max_advance_days=730)
    service = ServiceFactory(clinic=other_clinic, name="Check-up")
    vet = StaffFactory(clinic=other_clinic, services=[service])
    client = ClientAccountFactory(clinic=other_clinic)
    start = datetime.datetime.combine(SUMMER_MONDAY, datetime.time(10), tzinfo=NEW_YORK)
    booking = book(other_clinic, client, service, vet, start)

    calendar, event = parse(booking_ics(booking))
    assert event["DTSTART"].params["TZID"] == "America/New_York"
    assert event["DTSTART"].to_ical() == f"{DAY}T100000".encode()
    assert event.start.astimezone(UTC).hour == 14  # EDT, UTC-4
    assert calendar.walk("VTIMEZONE")[0]["TZID"] == "America/New_York"
    assert event["UID"] == f"{booking.reference}@riverside.localhost"


def test_uid_stays_and_sequence_rises_across_a_reschedule_and_a_cancel(
    open_policy, patient, service, emma
):
    booking = book(open_policy, patient, service, emma, at(MONDAY, "10:00"))
    _, first = parse(booking_ics(booking))
    booking = booking_reschedule(booking=booking, start=at(MONDAY, "14:00"), by_client=False)
    _, moved = parse(booking_ics(booking))
    calendar, cancel = parse(booking_ics(booking, method="CANCEL"))

    assert first["UID"] == moved["UID"] == cancel["UID"]
    assert first["SEQUENCE"] < moved["SEQUENCE"] < cancel["SEQUENCE"]
    assert moved["SEQUENCE"] == booking.sequence == 1
    assert moved.start == at(MONDAY, "14:00")
    assert calendar["METHOD"] == "CANCEL"
    assert cancel["STATUS"] == "CANCELLED"


def test_google_calendar_link(open_policy, patient, service, emma):
    booking = book(open_policy, patient, service, emma, at(SUMMER_MONDAY, "10:00"))
    url = urlsplit(google_calendar_link(booking))
    query = parse_qs(url.query)
    assert url.netloc == "calendar.google.com"
    assert query["action"] == ["TEMPLATE"]
    assert query["dates"] == [f"{DAY}T090000Z/{DAY}T093000Z"]
    assert query["ctz"] == ["Europe/London"]
    assert "Consultation" in query["text"][0]


# --- signed links ---------------------------------------------------------------------


def token_of(url):
    return parse_qs(urlsplit(url).query)["token"][0]


@pytest.fixture
def booking(open_policy, patient, service, emma):
    return book(open_policy, patient, service, emma, at(MONDAY, "10:00"))


def test_action_links_point_at_the_clinic_and_verify(booking, clinic):
    links = booking_action_links(booking)
    for action in ("reschedule", "cancel"):
        url = urlsplit(links[action])
        assert url.scheme == "https"
        assert url.netloc == "glow.localhost"
        assert url.path == f"/bookings/{booking.reference}/{action}/"
        found = booking_from_action_token(token_of(links[action]), action, clinic=clinic)
        assert found == booking


def test_a_link_is_for_its_own_action_only(booking):
    token = token_of(booking_action_links(booking)["reschedule"])
    with pytest.raises(ActionLinkError) as error:
        booking_from_action_token(token, "cancel")
    assert error.value.code == "link_invalid"


def test_a_tampered_link_is_refused(booking):
    token = token_of(booking_action_links(booking)["cancel"])
    forged = signing.dumps({"b": str(booking.reference), "a": "cancel"}, salt="other")
    for bad in (token[:-2] + ("aa" if not token.endswith("aa") else "bb"), forged, "", "x:y"):
        with pytest.raises(ActionLinkError) as error:
            booking_from_action_token(bad, "cancel")
        assert error.value.code == "link_invalid"
        assert error.value.field == "token"


def test_a_link_expires(booking, monkeypatch):
    token = token_of(booking_action_links(booking)["cancel"])
    issued = signing.time.time()
    monkeypatch.setattr(signing.time, "time", lambda: issued + 3600)
    assert booking_from_action_token(token, "cancel") == booking
    later = issued + ACTION_LINK_MAX_AGE.total_seconds() + 60
    monkeypatch.setattr(signing.time, "time", lambda: later)
    with pytest.raises(ActionLinkError) as error:
        booking_from_action_token(token, "cancel")
    assert error.value.code == "link_expired"
    assert "expired" in error.value.message


def test_a_link_stops_working_once_the_appointment_starts(booking):
    token = token_of(booking_action_links(booking)["reschedule"])
    with pytest.raises(ActionLinkError) as error:
        booking_from_action_token(token, "reschedule", now=booking.start)
    assert error.value.code == "link_expired"


def test_a_link_does_not_work_at_another_clinic(booking, other_clinic):
    token = token_of(booking_action_links(booking)["cancel"])
    with pytest.raises(ActionLinkError) as error:
        booking_from_action_token(token, "cancel", clinic=other_clinic)
    assert error.value.status == 404
