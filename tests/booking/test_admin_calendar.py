"""The staff calendar in the admin: day and week views, booking from a free slot, moving
and reassigning (drag and drop's JSON and the form), scoped to the admin clinic."""

import html
import zoneinfo

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from booking_api.calendar_selectors import calendar_for
from booking_api.models import Booking, BookingEvent, TimeOff
from booking_api.services import booking_create
from branding.models import Closure
from people.models import AuditEntry
from people.services import note_create
from tests.factories.booking import ServiceFactory, StaffFactory, main_location
from tests.factories.clients import ClientAccountFactory, MembershipFactory
from tests.fixtures.booking import MONDAY, at

pytestmark = pytest.mark.django_db

CALENDAR = "/admin/bookings/calendar/"
DAY = MONDAY.isoformat()


def signed_in(user, clinic):
    client = Client(HTTP_HOST=clinic.site.hostname)
    client.force_login(user)
    return client


def book(clinic, client, service, staff, start):
    return booking_create(
        clinic=clinic, client=client, service=service, start=start, staff=staff, source="staff"
    )


@pytest.fixture
def zara(clinic, service):
    return StaffFactory(clinic=clinic, key="zara", display_name="Zara", services=[service])


@pytest.fixture
def desk(open_policy, staff_user):
    return signed_in(staff_user, open_policy)


@pytest.fixture
def booking(open_policy, patient, service, emma):
    return book(open_policy, patient, service, emma, at(MONDAY, "10:00"))


def move(desk, booking, *, date=DAY, time, staff, as_json=True):
    headers = {"HTTP_ACCEPT": "application/json"} if as_json else {}
    return desk.post(
        f"{CALENDAR}{booking.pk}/move/",
        {"date": date, "time": time, "staff": staff.pk},
        **headers,
    )


# --- Views ----------------------------------------------------------------------------


def test_day_view_shows_bookings_in_clinic_time_with_status_time_off_and_closure(
    desk, open_policy, booking, emma, zara
):
    TimeOff.objects.create(
        staff=zara, start=at(MONDAY, "13:00"), end=at(MONDAY, "15:00"), reason="Training"
    )
    response = desk.get(CALENDAR, {"date": DAY})
    html = response.content.decode()
    assert response.status_code == 200
    assert booking.client.name in html
    assert "10:00–10:30" in html
    assert "status-booked" in html
    assert "Time off: Training" in html
    assert "Emma" in html and "Zara" in html
    assert "Times in London" in html  # the city, not the zone key "Europe/London"

    Closure.objects.create(location=main_location(open_policy), date=MONDAY, reason="Bank holiday")
    html = desk.get(CALENDAR, {"date": DAY}).content.decode()
    assert "Closed: Bank holiday" in html


def test_summer_times_are_shown_in_the_clinics_zone(desk, open_policy, patient, service, emma):
    from tests.fixtures.booking import SUMMER_MONDAY

    book(open_policy, patient, service, emma, at(SUMMER_MONDAY, "09:00"))  # 08:00 UTC
    html = desk.get(CALENDAR, {"date": SUMMER_MONDAY.isoformat()}).content.decode()
    assert "09:00–09:30" in html


def test_one_staff_members_week(desk, open_policy, patient, service, emma, zara):
    book(open_policy, patient, service, emma, at(MONDAY, "10:00"))
    other = ClientAccountFactory(clinic=open_policy)
    book(open_policy, other, service, zara, at(MONDAY, "11:00"))
    html = desk.get(CALENDAR, {"view": "week", "date": DAY, "staff": emma.pk}).content.decode()
    assert patient.name in html
    assert other.name not in html
    assert html.count('<section class="cal-day') == 7


def test_week_view_query_count_does_not_grow_with_bookings(
    desk, open_policy, service, emma, zara, django_assert_max_num_queries
):
    clients = [ClientAccountFactory(clinic=open_policy) for _ in range(5)]

    def week_queries():
        with CaptureQueriesContext(connection) as queries:
            assert desk.get(CALENDAR, {"view": "week", "date": DAY}).status_code == 200
        return len(queries)

    # One booking already, so that both counts include the notes-icon query.
    book(open_policy, clients[1], service, zara, at(MONDAY, "09:00"))
    few = week_queries()
    for day in range(7):
        for hour in range(9, 17):
            for member in (emma, zara):
                if (day, hour, member) == (0, 9, zara):
                    continue  # booked above
                book(
                    open_policy,
                    clients[hour % 5],
                    service,
                    member,
                    at(MONDAY.replace(day=MONDAY.day + day), f"{hour:02d}:00"),
                )
    assert Booking.objects.count() == 112
    many = week_queries()
    assert many == few  # the admin's own queries (session, menu…) plus the calendar's
    # A full week: 154 bookings, and the staff page still answers within 40 queries.
    for day in range(7):
        for hour in range(9, 12):
            for member in (emma, zara):
                when = at(MONDAY.replace(day=MONDAY.day + day), f"{hour:02d}:30")
                book(open_policy, clients[day % 5], service, member, when)
    assert Booking.objects.count() == 154
    with django_assert_max_num_queries(40):
        assert desk.get(CALENDAR, {"view": "week", "date": DAY}).status_code == 200

    note_create(clinic=open_policy, account=clients[0], author=None, body="Prefers mornings")
    with django_assert_max_num_queries(6):
        calendar = calendar_for(open_policy, first_day=MONDAY, days=7)
        events = [e for day in calendar.days for col in day.columns for e in col.events]
        assert len(events) == 154
        assert {e.booking.client.name for e in events} == {c.name for c in clients}
        assert {e.booking.client for e in events if e.booking.client_has_notes} == {clients[0]}


def test_another_clinics_booking_is_not_found(desk, other_clinic, open_policy):
    from branding.services import policy_update

    policy_update(clinic=other_clinic, min_notice_minutes=0, max_advance_days=730)
    service = ServiceFactory(clinic=other_clinic)
    vet = StaffFactory(clinic=other_clinic, services=[service])
    theirs = book(
        other_clinic,
        ClientAccountFactory(clinic=other_clinic),
        service,
        vet,
        at(MONDAY, "10:00", zoneinfo.ZoneInfo(other_clinic.timezone)),
    )
    assert desk.get(f"{CALENDAR}{theirs.pk}/").status_code == 404
    assert desk.get(f"{CALENDAR}{theirs.pk}/move/").status_code == 404
    assert move(desk, theirs, time="11:00", staff=vet).status_code == 404
    assert desk.post(f"{CALENDAR}{theirs.pk}/cancel/").status_code == 404
    treatment = f"/admin/clinic/treatments/new/{theirs.pk}/"
    assert desk.post(treatment, {"notes": "x"}).status_code == 404
    # Nor does the other clinic's calendar show up here.
    assert vet.display_name not in desk.get(CALENDAR, {"date": DAY}).content.decode()
    theirs.refresh_from_db()
    assert theirs.status == "booked"


def refused(response):
    """Wagtail answers a PermissionDenied with a redirect to the dashboard and a message."""
    return response.status_code == 403 or (
        response.status_code == 302
        and response.url in ("/admin/", "/admin/login/?next=" + CALENDAR)
    )


def test_patients_and_strangers_get_no_calendar(open_policy, patient):
    assert refused(signed_in(patient.user, open_policy).get(CALENDAR))
    assert Client(HTTP_HOST=open_policy.site.hostname).get(CALENDAR).status_code == 302


# --- Booking from a free slot ---------------------------------------------------------


def test_the_new_booking_page_lists_free_times_and_finds_clients(
    desk, open_policy, booking, emma, service
):
    wanted = ClientAccountFactory(clinic=open_policy, user__first_name="Imogen")
    response = desk.get(
        f"{CALENDAR}new/",
        {"staff": emma.pk, "date": DAY, "service": service.pk, "q": "imogen"},
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "09:30" in html and "10:30" in html
    assert ">10:00<" not in html  # taken by the existing booking
    assert wanted.user.email in html

    found = desk.get(f"{CALENDAR}clients/", {"q": "imogen"}).json()["results"]
    assert [row["id"] for row in found] == [wanted.pk]


def test_free_times_for_a_day_typed_in_the_clinics_order(desk, open_policy, booking, emma, service):
    """ "Show free times" sends the day as the person typed it (dd/mm/yyyy in the UK)."""
    import datetime

    from branding import clinic_time

    day = datetime.date.fromisoformat(DAY)
    with clinic_time.override(open_policy):
        typed = day.strftime(clinic_time.date_input_format())
    assert typed != DAY
    html = desk.get(
        f"{CALENDAR}new/", {"staff": emma.pk, "date": typed, "service": service.pk}
    ).content.decode()
    assert "09:30" in html and "10:30" in html and ">10:00<" not in html


def test_client_search_is_limited_to_the_clinic(desk, open_policy, other_clinic):
    ClientAccountFactory(clinic=other_clinic, user__first_name="Ottoline")
    assert desk.get(f"{CALENDAR}clients/", {"q": "ottoline"}).json() == {"results": []}


def new_booking(desk, *, client, service, staff, time, date=DAY, **extra):
    return desk.post(
        f"{CALENDAR}new/",
        {
            "client": client.pk,
            "service": service.pk,
            "staff": staff.pk,
            "date": date,
            "time": time,
            **extra,
        },
    )


def test_staff_book_a_client_into_a_free_slot(
    desk, open_policy, patient, service, emma, staff_user
):
    response = new_booking(
        desk, client=patient, service=service, staff=emma, time="11:00", notes="Prefers Emma"
    )
    assert response.status_code == 302
    booking = Booking.objects.get()
    assert booking.start == at(MONDAY, "11:00")
    assert booking.source == "staff"
    assert booking.internal_notes == "Prefers Emma"
    entry = AuditEntry.objects.filter(client=patient).latest("pk")
    assert entry.actor == staff_user
    assert "Booked Consultation with Emma" in entry.summary


def test_a_taken_slot_is_refused_with_a_clear_message(desk, open_policy, booking, service, emma):
    other = ClientAccountFactory(clinic=open_policy)
    response = new_booking(desk, client=other, service=service, staff=emma, time="10:15")
    assert response.status_code == 200
    # The desk is told whose booking is in the way, not the patient's "just been taken".
    page = html.unescape(response.content.decode())
    assert f"{emma.display_name} already has {booking.client.name}'s booking at 10:00." in page
    assert Booking.objects.count() == 1


def test_bad_input_names_the_field_and_writes_nothing(
    desk, open_policy, other_clinic, service, emma
):
    stranger = ClientAccountFactory(clinic=other_clinic)
    response = new_booking(desk, client=stranger, service=service, staff=emma, time="11:00")
    assert response.context["form"].errors["client"] == ["Choose a client of this clinic."]
    response = new_booking(
        desk,
        client=ClientAccountFactory(clinic=open_policy),
        service=service,
        staff=emma,
        time="25:00",
    )
    assert "time" in response.context["form"].errors
    assert Booking.objects.count() == 0


def test_therapists_cannot_book(open_policy, patient, service, emma):
    therapist = MembershipFactory(clinic=open_policy, role="therapist").user
    client = signed_in(therapist, open_policy)
    response = new_booking(client, client=patient, service=service, staff=emma, time="11:00")
    assert refused(response)
    assert Booking.objects.count() == 0


# --- Drag and drop / the move form ----------------------------------------------------


def test_dragging_reschedules_and_answers_the_new_time(desk, booking, emma, staff_user):
    response = move(desk, booking, time="14:00", staff=emma)
    assert response.status_code == 200, response.content
    assert response.json()["time"] == "14:00–14:30"
    booking.refresh_from_db()
    assert booking.start == at(MONDAY, "14:00")
    entry = AuditEntry.objects.filter(client=booking.client).latest("pk")
    # as the clinic writes times on every staff page (London: "4 Jan 2027, 10:00")
    day = f"{MONDAY.day} {MONDAY:%b} {MONDAY.year}"
    assert entry.changes["start"] == [f"{day}, 10:00", f"{day}, 14:00"]
    assert entry.actor == staff_user


def test_dragging_onto_another_column_reassigns(desk, booking, zara):
    response = move(desk, booking, time="10:00", staff=zara)
    assert response.status_code == 200
    booking.refresh_from_db()
    assert booking.staff == zara
    entry = AuditEntry.objects.filter(client=booking.client).latest("pk")
    assert entry.changes["staff"] == ["Emma", "Zara"]


def test_a_refused_drop_explains_and_changes_nothing(desk, open_policy, booking, service, emma):
    other = book(
        open_policy, ClientAccountFactory(clinic=open_policy), service, emma, at(MONDAY, "15:00")
    )
    response = move(desk, booking, time="15:00", staff=emma)
    assert response.status_code in (400, 409)
    assert response.json()["detail"]
    booking.refresh_from_db()
    assert booking.start == at(MONDAY, "10:00")
    # Outside working hours (09:00–17:00).
    response = move(desk, booking, time="18:00", staff=emma)
    assert response.status_code == 400
    assert "not one of the offered slots" in response.json()["detail"]
    # Somebody who does not perform the service.
    nobody = StaffFactory(clinic=open_policy, display_name="Nobody")
    response = move(desk, booking, time="11:00", staff=nobody)
    assert response.status_code == 400
    assert response.json()["field"] == "staff"
    assert "does not perform this service" in response.json()["detail"]
    assert other.pk != booking.pk
    assert not BookingEvent.objects.filter(booking=booking, kind="rescheduled").exists()


def test_the_move_form_works_without_javascript(desk, booking, emma):
    page = desk.get(f"{CALENDAR}{booking.pk}/move/")
    assert page.status_code == 200
    assert 'value="10:00"' in page.content.decode()
    response = move(desk, booking, time="12:30", staff=emma, as_json=False)
    assert response.status_code == 302
    booking.refresh_from_db()
    assert booking.start == at(MONDAY, "12:30")
    response = move(desk, booking, time="17:30", staff=emma, as_json=False)
    assert response.status_code == 200
    assert "not one of the offered slots" in response.context["form"].errors["time"][0]


def test_a_nonsense_date_shows_today(desk):
    for value in ("yesterday", "9999-12-31", "0001-01-01"):
        response = desk.get(CALENDAR, {"date": value, "view": "week"})
        assert response.status_code == 200


def test_a_client_with_internal_notes_has_the_notes_icon_in_the_calendar(
    desk, open_policy, patient, service, emma
):
    other = ClientAccountFactory(clinic=open_policy)
    book(open_policy, patient, service, emma, at(MONDAY, "10:00"))
    book(open_policy, other, service, emma, at(MONDAY, "11:00"))
    note_create(clinic=open_policy, account=patient, author=None, body="Allergic to latex")
    html = desk.get(CALENDAR, {"date": DAY}).content.decode()
    assert html.count("data-has-notes") == 1
    mine = html.split("data-has-notes")[0].rsplit("data-booking=", 1)[1]
    assert patient.name in mine and other.name not in mine
    assert "Allergic to latex" not in html  # the icon says notes exist, not what they say


def test_the_drop_answers_errors_in_the_apis_json_shape(desk, open_policy, booking, service, emma):
    # A form error: the field at fault, and every field's messages.
    nobody = StaffFactory(clinic=open_policy, display_name="Nobody")
    body = move(desk, booking, time="11:00", staff=nobody).json()
    assert set(body) == {"detail", "code", "field", "errors"}
    assert body["code"] == "invalid" and body["errors"] == {"staff": [body["detail"]]}
    # A refusal of the service: its code, field and status, as the API answers it.
    book(open_policy, ClientAccountFactory(clinic=open_policy), service, emma, at(MONDAY, "15:00"))
    response = move(desk, booking, time="15:00", staff=emma)
    body = response.json()
    assert response.status_code in (400, 409) and body["code"] not in ("", None)
    assert set(body) <= {"detail", "code", "field", "errors"} and body["detail"]
    if "field" in body:
        assert body["errors"] == {body["field"]: [body["detail"]]}
