"""Nudges in the reports (issue 15): what each automation sent, the links opened, and
the bookings and revenue within 14 days after a nudge, this period against the previous
one, with win-back's results on their own — each figure exact on a known history."""

import datetime

from automations.models import AutomationKind, Nudge
from automations.report_sections import build_nudges
from reports.periods import Period
from reports.registry import ReportQuery, as_result
from reports.selectors import report_settings
from tests.factories.booking import ServiceFactory, StaffFactory
from tests.factories.clients import ClientAccountFactory
from tests.fixtures.automations import make_automation
from tests.fixtures.clinics import admin_client_for
from tests.fixtures.reports import LONDON, booking, local

FIRST, LAST = datetime.date(2026, 6, 1), datetime.date(2026, 6, 30)
_keys = iter(range(10**6))


def nudge(automation, client, sent_at, *, clicked=False):
    return Nudge.objects.create(
        clinic=automation.clinic,
        automation=automation,
        kind=automation.kind,
        client=client,
        occasion_key=f"test-{next(_keys)}",
        channel="email",
        sent_at=sent_at,
        clicked_at=sent_at + datetime.timedelta(hours=1) if clicked else None,
    )


def test_nudge_figures_and_winback_results(clinic, other_clinic):
    facial = ServiceFactory(clinic=clinic, price=6000)
    staff = StaffFactory(clinic=clinic, services=[facial])
    rebook = make_automation(clinic, AutomationKind.REBOOK, name="Due again")
    winback = make_automation(clinic, AutomationKind.WINBACK, name="We miss you")
    a, b, c, d, e = (ClientAccountFactory(clinic=clinic) for _ in range(5))

    nudge(rebook, a, local("2026-06-05"), clicked=True)
    nudge(rebook, b, local("2026-06-10"))
    nudge(winback, c, local("2026-06-12"), clicked=True)
    nudge(winback, d, local("2026-06-20"))
    # 00:30 BST on 1 July is July's: not June's.
    nudge(winback, e, local("2026-07-01", "00:30"))
    nudge(rebook, e, local("2026-05-15"))  # the previous period

    # a books 3 days after; b 20 days after (too late); c books twice within 14 days.
    booking(clinic, a, facial, staff, local("2026-06-20"), created=local("2026-06-08"))
    booking(clinic, b, facial, staff, local("2026-07-10"), created=local("2026-06-30"))
    booking(clinic, c, facial, staff, local("2026-06-25"), created=local("2026-06-13"))
    booking(clinic, c, facial, staff, local("2026-07-02"), created=local("2026-06-14"))
    booking(  # cancelled: left out
        clinic,
        d,
        facial,
        staff,
        local("2026-06-28"),
        created=local("2026-06-21"),
        status="cancelled",
    )
    booking(clinic, e, facial, staff, local("2026-05-30"), created=local("2026-05-16"))
    other = make_automation(other_clinic, AutomationKind.WINBACK)
    nudge(other, ClientAccountFactory(clinic=other_clinic), local("2026-06-12"))

    query = ReportQuery(
        clinic=clinic, period=Period(FIRST, LAST, LONDON), settings=report_settings(clinic)
    )
    result = as_result(build_nudges(query))

    figures = {str(f.label): (f.current, f.previous) for f in result.figures}
    assert figures == {
        "Nudges sent": (4, 1),
        "Links opened": (0.5, 0.0),
        "Bookings after a nudge": (3, 1),
        "Revenue of those bookings": (18000, 6000),
        "Clients won back": (2, 0),
    }
    by_nudge = {r["label"]: r for r in result.table("by_nudge").rows}
    assert by_nudge["Due again"] == {
        "label": "Due again",
        "kind": "Due for your next treatment",
        "sent": 2,
        "opened": 0.5,
        "bookings": 1,
        "revenue": 6000,
        "prev_revenue": 6000,
    }
    assert by_nudge["We miss you"]["bookings"] == 2
    assert result.table("winback").rows == [
        {"label": "We miss you", "sent": 2, "bookings": 2, "rate": 1.0, "revenue": 12000}
    ]


def test_nudges_page_is_for_managers(clinic, manager, staff_user):
    page = admin_client_for(manager, clinic).get("/admin/revenue-impact/nudges/")
    assert page.status_code == 200 and "Win-back results" in page.text
    csv = admin_client_for(manager, clinic).get("/admin/revenue-impact/nudges/by_nudge.csv")
    assert csv.status_code == 200 and csv.text.startswith("Nudge,Kind,Sent")
    refused = admin_client_for(staff_user, clinic).get("/admin/revenue-impact/nudges/")
    assert refused.status_code == 302 and refused["Location"] == "/admin/"
