"""Bookings by door and new against returning; no-shows, late cancellations and their
fees — each figure from a known history, counted on the clinic's wall clock."""

import datetime

import pytest

from booking_api.models import BookingStatus
from payments.models import PaymentKind
from reports.periods import Period
from reports.registry import ReportQuery
from reports.sections import build_attendance, build_bookings
from reports.selectors import report_settings
from tests.factories.booking import ServiceFactory, StaffFactory
from tests.factories.clients import ClientAccountFactory
from tests.fixtures.reports import LONDON, booking, event, local, payment, refund

S = BookingStatus
FIRST, LAST = datetime.date(2026, 6, 1), datetime.date(2026, 6, 30)  # previous: 2 May – 31 May


@pytest.fixture
def catalogue(clinic):
    return ServiceFactory(clinic=clinic, name="Facial"), StaffFactory(clinic=clinic)


def query(clinic):
    return ReportQuery(
        clinic=clinic, period=Period(FIRST, LAST, LONDON), settings=report_settings(clinic)
    )


def test_bookings_by_door_share_online_and_new_clients(
    clinic, other_clinic, catalogue, django_assert_num_queries
):
    service, staff = catalogue
    old, new, newer = (ClientAccountFactory(clinic=clinic) for _ in range(3))
    # ``old`` had a completed visit in April: a returning client from then on.
    booking(clinic, old, service, staff, local("2026-04-10"), created=local("2026-04-01"))

    hours = iter(range(8, 20))  # one staff member: each appointment at its own hour

    def made(client, created, *, source, status=S.BOOKED, start="2026-07-10"):
        return booking(
            clinic,
            client,
            service,
            staff,
            local(start, f"{next(hours):02d}:00"),
            status=status,
            source=source,
            created=created,
        )

    made(old, local("2026-06-01", "00:05"), source="portal")  # 23:05 UTC on 31 May: June
    made(old, local("2026-06-15"), source="app")
    made(new, local("2026-06-20"), source="portal")
    made(new, local("2026-06-30", "23:55"), source="staff")  # before the clinic's midnight
    made(newer, local("2026-07-01", "00:05"), source="staff")  # July: not counted
    made(newer, local("2026-05-31", "23:30"), source="staff")  # the previous period
    made(newer, local("2026-05-02", "00:30"), source="portal")  # the previous period's first day
    made(newer, local("2026-05-01", "23:59"), source="portal")  # before it
    made(newer, local("2026-06-10"), source="import", status=S.COMPLETED, start="2026-01-10")
    # Never booked: a guest's unconfirmed hold, and a payment hold that ran out.
    made(newer, local("2026-06-11"), source="portal", status=S.UNVERIFIED)
    lapsed = made(newer, local("2026-06-12"), source="app", status=S.CANCELLED)
    event(lapsed, S.CANCELLED, local("2026-06-12", "12:15"), hold_expired=True)
    # A client-cancelled booking was still made.
    cancelled = made(new, local("2026-06-13"), source="app", status=S.CANCELLED)
    event(cancelled, S.CANCELLED, local("2026-06-14"))
    # Another clinic's booking the same day.
    other = ClientAccountFactory(clinic=other_clinic)
    booking(
        other_clinic,
        other,
        ServiceFactory(clinic=other_clinic),
        StaffFactory(clinic=other_clinic),
        local("2026-06-20"),
        source="portal",
        created=local("2026-06-15"),
    )

    q = query(clinic)
    with django_assert_num_queries(1):
        result = build_bookings(q)
    doors = {r["label"]: (r["cur"], r["prev"]) for r in result.table("doors").rows}
    assert doors == {"Portal": (2, 1), "Mobile app": (2, 0), "Staff": (1, 1), "Import": (1, 0)}
    made_, online, new_clients = result.figures
    assert (made_.current, made_.previous) == (6, 2)
    assert online.current == 4 / 5 and online.previous == 1 / 2
    # New: ``new`` (3 bookings) and ``newer``'s imported January visit (nothing before
    # it); returning: ``old``'s two, and ``newer``'s two of the previous period (July
    # appointments, after that January visit).
    assert (new_clients.current, new_clients.previous) == (4, 0)
    rows = {r["label"]: (r["cur"], r["prev"]) for r in result.table("new_returning").rows}
    assert rows == {"New": (4, 0), "Returning": (2, 2)}


def test_no_shows_late_cancellations_and_fees(clinic, catalogue, django_assert_num_queries):
    service, staff = catalogue
    client = ClientAccountFactory(clinic=clinic)

    def due(day, hhmm="10:00", status=S.COMPLETED):
        return booking(clinic, client, service, staff, local(day, hhmm), status=status)

    due("2026-06-02")
    due("2026-06-03", status=S.BOOKED)
    no_show = due("2026-06-04", status=S.NO_SHOW)
    event(no_show, S.NO_SHOW, local("2026-06-04", "10:20"), fee=1500)
    # A no-show later refunded still counts as a no-show.
    refunded = due("2026-06-05", status=S.REFUNDED)
    event(refunded, S.NO_SHOW, local("2026-06-05", "10:20"), fee=1500)
    late = due("2026-06-06", status=S.CANCELLED)
    event(late, S.CANCELLED, local("2026-06-06", "08:00"), fee=2000, quote={"free": False})
    free = due("2026-06-07", status=S.CANCELLED)
    event(free, S.CANCELLED, local("2026-06-01"), quote={"free": True})
    lapsed = due("2026-06-08", status=S.CANCELLED)
    event(lapsed, S.CANCELLED, local("2026-06-01"), hold_expired=True)
    due("2026-06-09", status=S.UNVERIFIED)
    # The first appointment of July at 00:30 BST (23:30 UTC on 30 June) is July's.
    july = due("2026-07-01", "00:30", status=S.NO_SHOW)
    event(july, S.NO_SHOW, local("2026-07-01", "01:00"), fee=1500)
    # Previous period: one visit, one late cancellation.
    due("2026-05-20")
    prev_late = due("2026-05-21", status=S.CANCELLED)
    event(prev_late, S.CANCELLED, local("2026-05-21", "08:00"), fee=1000, quote={"free": False})
    # Fees collected: the no-show fee paid, 500 of it refunded; a late fee paid.
    fee = payment(no_show, 1500, local("2026-06-10"), kind=PaymentKind.NO_SHOW_FEE)
    refund(fee, 500, local("2026-06-11"))
    payment(late, 2000, local("2026-06-07"), kind=PaymentKind.LATE_CANCEL_FEE)
    payment(no_show, 4500, local("2026-06-04"))  # not a fee

    q = query(clinic)
    with django_assert_num_queries(3):
        result = build_attendance(q)
    due_, no_show_rate, late_rate, collected = result.figures
    assert (due_.current, due_.previous) == (6, 2)
    assert no_show_rate.current == 2 / 6 and no_show_rate.previous == 0
    assert late_rate.current == 1 / 6 and late_rate.previous == 1 / 2
    assert (collected.current, collected.previous) == (3000, 0)
    rates = {r["label"]: (r["cur"], r["prev"]) for r in result.table("rates").rows}
    assert rates == {"No-shows": (2, 0), "Late cancellations": (1, 1), "All cancellations": (2, 1)}
    fees = {r["label"]: (r["cur"], r["prev"]) for r in result.table("fees").rows}
    assert fees == {
        "No-show fees charged": (3000, 0),
        "Late-cancellation fees charged": (2000, 1000),
        "No-show fees collected": (1000, 0),
        "Late-cancellation fees collected": (2000, 0),
    }
