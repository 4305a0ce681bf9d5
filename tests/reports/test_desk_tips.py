"""Tips taken at the desk checkout are the staff member's, not the clinic's takings: the
revenue report leaves them out, and ``tips_by_staff`` tells them apart per staff member
of the booking."""

import datetime

import pytest

from reports.periods import Period
from reports.registry import ReportQuery
from reports.sections import build_revenue
from reports.selectors import report_settings, tips_by_staff
from tests.factories.booking import ServiceFactory, StaffFactory
from tests.factories.clients import ClientAccountFactory
from tests.fixtures.reports import LONDON, booking, local, payment

pytestmark = pytest.mark.django_db

FIRST, LAST = datetime.date(2026, 3, 23), datetime.date(2026, 4, 5)


def test_tips_are_told_apart_from_takings(clinic):
    service = ServiceFactory(clinic=clinic, name="Facial")
    emma = StaffFactory(clinic=clinic, display_name="Emma")
    zoe = StaffFactory(clinic=clinic, display_name="Zoe")
    client = ClientAccountFactory(clinic=clinic)
    with_emma = booking(clinic, client, service, emma, local("2026-03-30", "10:00"))
    with_zoe = booking(clinic, client, service, zoe, local("2026-03-31", "10:00"))
    # A desk tender of £65.00 with a £5.00 tip for Emma; cash of £42.00 with £2.00 for Zoe.
    payment(with_emma, 6500, local("2026-03-30", "11:00"), kind="desk", tip=500)
    payment(with_zoe, 4200, local("2026-03-31", "11:00"), kind="desk", method="cash", tip=200)
    period = Period(FIRST, LAST, LONDON)
    query = ReportQuery(
        clinic=clinic,
        period=period,
        location=None,
        granularity="day",
        settings=report_settings(clinic),
    )
    result = build_revenue(query)
    _net, taken, _refunded, tips = result.figures
    assert taken.current == 6000 + 4000
    # The tips on a line of their own, as on the Today panel, and per staff member.
    assert (str(tips.label), tips.current) == ("Tips", 700)
    assert {r["label"]: r["cur"] for r in result.table("tips_by_staff").rows} == {
        "Emma": 500,
        "Zoe": 200,
    }
    by_staff = {r["label"]: r["cur"] for r in result.table("by_staff").rows}
    assert by_staff == {"Emma": 6000, "Zoe": 4000}
    assert tips_by_staff(clinic, period) == [("Emma", 500), ("Zoe", 200)]
