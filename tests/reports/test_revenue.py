"""Money taken, less refunds, on the clinic's wall clock: a payment 30 minutes after
local midnight in summer time is that day's (UTC still says the day before), the day
the clocks go forward is one day, partial refunds count on their own day, failed and
pending ones not at all, another clinic's never."""

import datetime

import pytest

from payments.models import PaymentStatus, RefundStatus
from reports.periods import Period
from reports.registry import ReportQuery
from reports.sections import build_revenue
from reports.selectors import report_settings
from tests.factories.booking import ServiceFactory, StaffFactory
from tests.factories.branding import LocationFactory
from tests.factories.clients import ClientAccountFactory
from tests.fixtures.reports import LONDON, booking, local, payment, refund

FIRST, LAST = datetime.date(2026, 3, 23), datetime.date(2026, 4, 5)  # clocks go forward 29 Mar


@pytest.fixture
def history(clinic, other_clinic):
    consult = ServiceFactory(clinic=clinic, name="Consultation")
    peel = ServiceFactory(clinic=clinic, name="Peel")
    emma = StaffFactory(clinic=clinic, display_name="Emma")
    zoe = StaffFactory(clinic=clinic, display_name="Zoe")
    annex = LocationFactory(clinic=clinic, key="annex", name="Annex")
    client = ClientAccountFactory(clinic=clinic)

    def visit(service, staff, day, **kw):
        return booking(clinic, client, service, staff, local(day, "10:00"), **kw)

    a = visit(consult, emma, "2026-03-28")
    b = visit(consult, emma, "2026-03-30")
    d = visit(peel, zoe, "2026-04-05", location=annex)
    c = visit(peel, zoe, "2026-03-20")
    # 00:30 GMT on the day the clocks change: the 29th, as in UTC.
    pa = payment(a, 10000, local("2026-03-29", "00:30"))
    # 00:30 BST on the 30th is 23:30 UTC on the 29th: the clinic's 30th.
    payment(b, 5000, local("2026-03-30", "00:30"))
    # The last local evening of the period (22:30 UTC) is in; 00:10 the next day is not.
    payment(d, 3000, local("2026-04-05", "23:30"))
    payment(d, 2000, local("2026-04-06", "00:10"))
    # A minute before the period's first midnight: the previous period.
    pc = payment(c, 4000, local("2026-03-22", "23:59"))
    refund(pc, 1000, local("2026-03-20", "15:00"))
    # A partial refund of A, on its own day; a failed refund and failed/pending payments
    # count nothing.
    refund(pa, 2500, local("2026-03-31", "10:00"))
    refund(pa, 7500, local("2026-04-01", "10:00"), status=RefundStatus.FAILED)
    payment(b, 9999, local("2026-03-30", "12:00"), status=PaymentStatus.FAILED)
    payment(b, 8888, local("2026-03-30", "12:00"), status=PaymentStatus.PENDING)
    # Another clinic's money on the same days.
    other_service = ServiceFactory(clinic=other_clinic)
    other_staff = StaffFactory(clinic=other_clinic)
    other = booking(
        other_clinic,
        ClientAccountFactory(clinic=other_clinic),
        other_service,
        other_staff,
        local("2026-03-30", "10:00"),
    )
    payment(other, 70000, local("2026-03-30", "12:00"))
    return {"annex": annex}


def run(clinic, granularity="day", location=None):
    return build_revenue(make_query(clinic, granularity, location))


def make_query(clinic, granularity="day", location=None):
    return ReportQuery(
        clinic=clinic,
        period=Period(FIRST, LAST, LONDON),
        location=location,
        granularity=granularity,
        settings=report_settings(clinic),
    )


def test_revenue_figures_by_day_service_staff_and_location(
    clinic, history, django_assert_num_queries
):
    query = make_query(clinic)
    with django_assert_num_queries(4):  # payments and refunds by day, by dimension
        result = build_revenue(query)
    net, taken, refunded, tips = result.figures
    assert tips.current == tips.previous == 0
    assert (net.current, net.previous) == (15500, 3000)
    assert (taken.current, taken.previous) == (18000, 4000)
    assert (refunded.current, refunded.previous) == (2500, 1000)

    days = {
        r["label"]: (r["taken"], r["refunded"], r["net"]) for r in result.table("over_time").rows
    }
    assert len(days) == 14
    assert days[datetime.date(2026, 3, 29)] == (10000, 0, 10000)
    assert days[datetime.date(2026, 3, 30)] == (5000, 0, 5000)
    assert days[datetime.date(2026, 3, 31)] == (0, 2500, -2500)
    assert days[datetime.date(2026, 4, 5)] == (3000, 0, 3000)
    assert sum(v[2] for v in days.values()) == 15500
    # The previous period's net, day by day alongside: 20 Mar is the 12th day before.
    prev = [r["prev_net"] for r in result.table("over_time").rows]
    assert prev[11] == -1000 and prev[13] == 4000 and sum(prev) == 3000

    def table(key):
        return {r["label"]: (r["cur"], r["prev"]) for r in result.table(key).rows}

    assert table("by_service") == {"Consultation": (12500, 0), "Peel": (3000, 3000)}
    assert table("by_staff") == {"Emma": (12500, 0), "Zoe": (3000, 3000)}
    assert table("by_location") == {"Glow Aesthetics": (12500, 3000), "Annex": (3000, 0)}


def test_weeks_are_seven_day_blocks_from_the_first_day(clinic, history):
    rows = run(clinic, "week").table("over_time").rows
    assert [(r["label"], r["net"], r["prev_net"]) for r in rows] == [
        (datetime.date(2026, 3, 23), 10000, 0),
        (datetime.date(2026, 3, 30), 5500, 3000),
    ]


def test_one_location(clinic, history):
    result = run(clinic, location=history["annex"])
    assert (result.figures[0].current, result.figures[0].previous) == (3000, 0)
