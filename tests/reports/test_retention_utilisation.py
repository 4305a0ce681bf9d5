"""Rebooking within the clinic's window, retention cohorts by first-visit month, and
staff utilisation from the weekly hours — on the clinic's wall clock, across the night
the clocks go forward."""

import datetime

import pytest

from booking_api.models import BookingStatus
from reports.periods import Period
from reports.registry import ReportQuery
from reports.sections import build_retention, build_utilisation
from reports.selectors import report_settings
from tests.factories.booking import ServiceFactory, StaffFactory, TimeOffFactory
from tests.factories.clients import ClientAccountFactory
from tests.fixtures.reports import LONDON, booking, local

S = BookingStatus


def query(clinic, first, last):
    return ReportQuery(
        clinic=clinic, period=Period(first, last, LONDON), settings=report_settings(clinic)
    )


def test_rebooking_rate_and_cohorts(clinic, other_clinic, django_assert_num_queries):
    service = ServiceFactory(clinic=clinic, name="Botox")
    staff = StaffFactory(clinic=clinic)
    a, b, c, d, e, f = (ClientAccountFactory(clinic=clinic) for _ in range(6))

    def visit(client, when, status=S.COMPLETED):
        return booking(clinic, client, service, staff, when, status=status)

    visit(a, local("2026-06-05"))
    visit(a, local("2026-08-20"), S.BOOKED)  # 76 days later: rebooked
    visit(b, local("2026-06-10"))
    visit(b, local("2026-07-01"), S.CANCELLED)  # cancelled: does not count
    visit(b, local("2026-09-09"), S.BOOKED)  # 91 days later: too late
    visit(c, local("2026-06-12"))
    visit(c, local("2026-06-26"))  # rebooked the first; nothing after the second
    visit(d, local("2026-05-15"))  # the previous period, rebooked below
    visit(d, local("2026-06-01"), S.BOOKED)
    # E's first visit: 23:30 on 31 January; later visits in March and, at 23:30 BST on
    # 30 April (22:30 UTC), April.
    visit(e, local("2026-01-31", "23:30"))
    visit(e, local("2026-03-01", "00:30"))
    visit(e, local("2026-04-30", "23:30"))
    # F's first visit was in December: not one of the cohorts shown.
    visit(f, local("2025-12-31", "23:30"))
    visit(f, local("2026-01-15"))
    # Another clinic's visits.
    other = ClientAccountFactory(clinic=other_clinic)
    booking(
        other_clinic,
        other,
        ServiceFactory(clinic=other_clinic),
        StaffFactory(clinic=other_clinic),
        local("2026-06-05"),
    )

    q = query(clinic, datetime.date(2026, 6, 1), datetime.date(2026, 6, 30))
    with django_assert_num_queries(2):
        result = build_retention(q)
    rate, visits, rebooked = result.figures
    assert (visits.current, visits.previous) == (4, 1)
    assert (rebooked.current, rebooked.previous) == (2, 1)
    assert (rate.current, rate.previous) == (0.5, 1.0)
    assert result.table("rebooking").rows == [
        {"label": "Botox", "visits": 4, "rebooked": 2, "rate": 0.5, "prev_rate": 1.0}
    ]
    cohorts = {r["label"]: r for r in result.table("cohorts").rows}
    assert list(cohorts) == [datetime.date(2026, m, 1) for m in range(1, 7)]
    assert cohorts[datetime.date(2026, 1, 1)] == {
        "label": datetime.date(2026, 1, 1),
        "clients": 1,
        "m1": 0.0,
        "m2": 1.0,
        "m3": 1.0,
        "m4": 0.0,
        "m5": 0.0,
    }
    assert cohorts[datetime.date(2026, 5, 1)]["clients"] == 1
    assert cohorts[datetime.date(2026, 5, 1)]["m1"] == 0.0
    assert cohorts[datetime.date(2026, 5, 1)]["m2"] is None  # July has not come yet
    assert cohorts[datetime.date(2026, 6, 1)]["clients"] == 3
    assert cohorts[datetime.date(2026, 2, 1)]["clients"] == 0


def test_the_window_is_the_clinics_setting(clinic):
    from reports.models import ReportSettings

    ReportSettings.objects.create(clinic=clinic, rebooking_window_days=100)
    service, staff = ServiceFactory(clinic=clinic), StaffFactory(clinic=clinic)
    b = ClientAccountFactory(clinic=clinic)
    booking(clinic, b, service, staff, local("2026-06-10"))
    booking(clinic, b, service, staff, local("2026-09-09"), status=S.BOOKED)  # 91 days
    result = build_retention(query(clinic, datetime.date(2026, 6, 1), datetime.date(2026, 6, 30)))
    assert result.figures[0].current == 1.0


@pytest.mark.parametrize("location_filter", [False, True])
def test_utilisation_from_weekly_hours_less_time_off(
    clinic, django_assert_num_queries, location_filter
):
    from tests.factories.booking import main_location

    service = ServiceFactory(clinic=clinic, duration_minutes=30)
    emma = StaffFactory(clinic=clinic, display_name="Emma")  # 09:00–17:00 every day
    # Nia works 00:30–02:30 on Sundays: on 29 March the clocks skip 01:00–02:00.
    nia = StaffFactory(clinic=clinic, display_name="Nia", hours={6: [("00:30", "02:30")]})
    StaffFactory(clinic=clinic, display_name="Idle", hours={})  # no hours, no bookings
    client = ClientAccountFactory(clinic=clinic)
    TimeOffFactory(staff=emma, start=local("2026-03-25", "13:00"), end=local("2026-03-25", "15:00"))
    TimeOffFactory(staff=emma, start=local("2026-03-26", "18:00"), end=local("2026-03-26", "20:00"))

    def seen(staff, when, minutes, status=S.COMPLETED):
        booking(clinic, client, service, staff, when, status=status, minutes=minutes)

    seen(emma, local("2026-03-23", "09:00"), 60)
    seen(emma, local("2026-03-24", "09:00"), 30, S.NO_SHOW)
    seen(emma, local("2026-03-24", "10:00"), 45, S.BOOKED)
    seen(emma, local("2026-03-24", "11:00"), 30, S.CANCELLED)
    seen(emma, local("2026-03-24", "12:00"), 30, S.PENDING_PAYMENT)
    seen(emma, local("2026-03-22", "09:00"), 30)  # previous week
    seen(nia, local("2026-03-29", "00:30"), 120)  # 00:30 GMT to 02:30 BST: one hour

    q = query(clinic, datetime.date(2026, 3, 23), datetime.date(2026, 3, 29))
    if location_filter:
        q = ReportQuery(
            clinic=clinic, period=q.period, location=main_location(clinic), settings=q.settings
        )
    with django_assert_num_queries(4):  # booked minutes, staff, hours, time off
        result = build_utilisation(q)
    rows = {r["label"]: r for r in result.table("staff").rows}
    assert list(rows) == ["Emma", "Nia"]
    assert rows["Emma"]["booked"] == 135
    assert rows["Emma"]["scheduled"] == 7 * 480 - 120
    assert rows["Emma"]["rate"] == 135 / 3240
    assert rows["Emma"]["prev_rate"] == 30 / 3360
    assert rows["Nia"] == {
        "label": "Nia",
        "booked": 60,
        "scheduled": 60,
        "rate": 1.0,
        "prev_rate": 0.0,
    }
    utilisation, booked, scheduled = result.figures
    assert (booked.current, scheduled.current) == (195, 3300)
    assert (booked.previous, scheduled.previous) == (30, 3360 + 120)
