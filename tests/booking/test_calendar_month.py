"""The calendar's month view: each day's count and first bookings in the clinic's time
zone, weeks starting on the locale's first day, a staff and location filter, one query
for the month."""

import datetime

import pytest
from django.test import Client

from booking_api.calendar_selectors import calendar_month, month_grid_bounds
from booking_api.models import Booking
from booking_api.services import booking_create
from branding.models import Location
from tests.factories.booking import StaffFactory
from tests.factories.clients import ClientAccountFactory, UserFactory
from tests.fixtures.booking import MONDAY, at

pytestmark = pytest.mark.django_db

CALENDAR = "/admin/bookings/calendar/"


def signed_in(user, clinic):
    client = Client(HTTP_HOST=clinic.site.hostname)
    client.force_login(user)
    return client


def book(clinic, client, service, staff, start, **extra):
    return booking_create(
        clinic=clinic,
        client=client,
        service=service,
        start=start,
        staff=staff,
        source="staff",
        **extra,
    )


def cell(weeks, day):
    return next(c for week in weeks for c in week if c.day == day)


def test_the_grid_is_whole_weeks_from_the_locales_first_weekday():
    # December 2026 starts on a Tuesday and ends on a Thursday.
    assert month_grid_bounds(datetime.date(2026, 12, 17), 0) == (
        datetime.date(2026, 11, 30),
        datetime.date(2027, 1, 3),
    )
    assert month_grid_bounds(datetime.date(2026, 12, 17), 6) == (  # Sunday first (US)
        datetime.date(2026, 11, 29),
        datetime.date(2027, 1, 2),
    )


def test_each_day_counts_its_bookings_and_lists_the_first_few_in_one_query(
    open_policy, service, emma, django_assert_num_queries
):
    clients = [
        ClientAccountFactory(clinic=open_policy, user=UserFactory(first_name=n, last_name="Test"))
        for n in ("Ana", "Ben", "Cai", "Dee", "Eve")
    ]
    for n, hhmm in enumerate(("09:00", "11:00", "10:00", "12:00", "13:00")):
        book(open_policy, clients[n], service, emma, at(MONDAY, hhmm))
    # 23:30 London on the Tuesday is still Tuesday there (and Wednesday in Sofia).
    zara = StaffFactory(
        clinic=open_policy,
        key="zara",
        services=[service],
        hours={d: [("08:00", "23:59")] for d in range(7)},
    )
    tuesday = MONDAY + datetime.timedelta(days=1)
    late = book(open_policy, clients[0], service, zara, at(tuesday, "23:00"))
    cancelled = book(open_policy, clients[1], service, emma, at(MONDAY, "15:00"))
    Booking.objects.filter(pk=cancelled.pk).update(status="cancelled")

    with django_assert_num_queries(1):
        weeks = calendar_month(open_policy, month=MONDAY)
    monday = cell(weeks, MONDAY)
    assert monday.count == 5
    assert [b.client.name for b in monday.first] == ["Ana Test", "Cai Test", "Ben Test"]
    assert [f"{b.local_start:%H:%M}" for b in monday.first] == ["09:00", "10:00", "11:00"]
    assert monday.more == 2
    tuesday = cell(weeks, MONDAY + datetime.timedelta(days=1))
    assert tuesday.count == 1 and tuesday.first == [late]
    assert all(len(week) == 7 for week in weeks)
    assert cell(weeks, MONDAY).in_month

    only_zara = calendar_month(open_policy, month=MONDAY, staff_ids=[zara.pk])
    assert cell(only_zara, MONDAY).count == 0
    assert cell(only_zara, MONDAY + datetime.timedelta(days=1)).count == 1


def test_the_location_filter(open_policy, service, emma, patient):
    other = Location.objects.create(clinic=open_policy, key="north", name="North")
    book(open_policy, patient, service, emma, at(MONDAY, "09:00"))
    main = Location.objects.get(clinic=open_policy, is_main=True)
    assert cell(calendar_month(open_policy, month=MONDAY, location_id=main.pk), MONDAY).count == 1
    assert cell(calendar_month(open_policy, month=MONDAY, location_id=other.pk), MONDAY).count == 0


def test_the_month_page_links_each_day_and_steps_by_month(
    open_policy, staff_user, service, emma, patient, django_assert_max_num_queries
):
    book(open_policy, patient, service, emma, at(MONDAY, "09:00"))
    desk = signed_in(staff_user, open_policy)
    with django_assert_max_num_queries(25):
        response = desk.get(CALENDAR, {"view": "month", "date": MONDAY.isoformat()})
    html = response.content.decode()
    assert response.status_code == 200
    assert MONDAY.strftime("%B %Y") in html
    assert "1 booking<" in html
    assert "09:00</span> " + patient.name in html
    day_link = f"?view=day&amp;date={MONDAY.isoformat()}"
    assert day_link in html
    prev_month = (MONDAY.replace(day=1) - datetime.timedelta(days=1)).replace(day=MONDAY.day)
    assert f"?view=month&amp;date={prev_month.isoformat()}" in html
    assert "Next month" in html and 'aria-current="page">Month' in html
    # en-GB: Monday first.
    assert html.index(">Mon<") < html.index(">Sun<")

    # More bookings, same number of queries.
    for hhmm in ("10:00", "11:00", "12:00", "13:00"):
        book(open_policy, patient, service, emma, at(MONDAY, hhmm))
    with django_assert_max_num_queries(25):
        html = desk.get(CALENDAR, {"view": "month", "date": MONDAY.isoformat()}).content.decode()
    assert "5 bookings" in html and "+ 2 more" in html


def test_in_bulgarian_month_names_and_monday_first(open_policy, staff_user):
    from wagtail.users.models import UserProfile

    profile = UserProfile.get_for_user(staff_user)
    profile.preferred_language = "bg"  # the admin speaks the user's language
    profile.save()
    desk = signed_in(staff_user, open_policy)
    html = desk.get(CALENDAR, {"view": "month", "date": "2026-12-10"}).content.decode()
    assert "декември 2026" in html
    assert html.index(">пн<") < html.index(">нд<")
    assert "Следващ месец" in html


def test_in_new_york_the_week_starts_on_sunday(other_clinic):
    from tests.factories.clients import MembershipFactory

    staff = MembershipFactory(clinic=other_clinic, role="staff").user
    html = signed_in(staff, other_clinic).get(CALENDAR, {"view": "month", "date": "2026-12-10"})
    html = html.content.decode()
    assert "December 2026" in html
    assert html.index(">Sun<") < html.index(">Mon<")
    assert 'data-month-day="2026-11-29"' in html  # the Sunday before the 1st


def test_the_month_updates_live_when_a_booking_is_made_late_in_the_month(
    open_policy, staff_user, service, emma, patient
):
    desk = signed_in(staff_user, open_policy)
    ask = {"view": "month", "date": MONDAY.isoformat()}
    before = desk.get(f"{CALENDAR}version/", ask).json()["version"]
    book(open_policy, patient, service, emma, at(MONDAY + datetime.timedelta(days=14), "09:00"))
    assert desk.get(f"{CALENDAR}version/", ask).json()["version"] != before
    html = desk.get(CALENDAR, ask).content.decode()
    assert 'data-version-url="/admin/bookings/calendar/version/"' in html
