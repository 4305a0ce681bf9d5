"""The Reports area in the admin: who may open which report, the period form, the
chart with its table, the CSV file, another clinic's figures never shown, and a
bounded number of queries per page."""

import csv
import io

import pytest

from reports.models import ReportSettings
from reports.registry import sections
from tests.factories.booking import ServiceFactory, StaffFactory
from tests.factories.clients import ClientAccountFactory
from tests.fixtures.clinics import admin_client_for
from tests.fixtures.reports import booking, local, payment, refund


@pytest.fixture
def june(clinic, other_clinic):
    service = ServiceFactory(clinic=clinic, name="Facial")
    staff = StaffFactory(clinic=clinic, display_name="Emma")
    client = ClientAccountFactory(clinic=clinic)
    visit = booking(
        clinic, client, service, staff, local("2026-06-10"), created=local("2026-06-01")
    )
    paid = payment(visit, 12345, local("2026-06-10"))
    refund(paid, 2345, local("2026-06-12"))
    other = booking(
        other_clinic,
        ClientAccountFactory(clinic=other_clinic),
        ServiceFactory(clinic=other_clinic, name="Other clinic's service"),
        StaffFactory(clinic=other_clinic),
        local("2026-06-10"),
    )
    payment(other, 99999, local("2026-06-10"))


PERIOD = {"date_from": "2026-06-01", "date_to": "2026-06-30"}


def refused(response):
    """Wagtail answers a refused admin view by sending the person to the dashboard with
    "Sorry, you do not have permission to access this area"."""
    return response.status_code == 302 and response["Location"] == "/admin/"


def test_index_lists_what_the_role_may_open(clinic, manager, staff_user, therapist_user):
    as_manager = admin_client_for(manager, clinic).get("/admin/revenue-impact/")
    assert as_manager.status_code == 200
    builtin = ["revenue", "bookings", "retention", "attendance", "utilisation", "loyalty"]
    assert [s.key for s in sections("manager") if s.key in builtin] == builtin
    for s in sections("manager"):
        assert f"/admin/revenue-impact/{s.key}/" in as_manager.text
    as_staff = admin_client_for(staff_user, clinic).get("/admin/revenue-impact/")
    assert "/admin/revenue-impact/bookings/" in as_staff.text
    assert "/admin/revenue-impact/revenue/" not in as_staff.text
    assert "/admin/revenue-impact/loyalty/" not in as_staff.text
    staff = admin_client_for(staff_user, clinic)
    assert refused(staff.get("/admin/revenue-impact/revenue/"))
    assert refused(staff.get("/admin/revenue-impact/revenue/by_service.csv"))
    assert refused(admin_client_for(therapist_user, clinic).get("/admin/revenue-impact/"))
    assert refused(admin_client_for(therapist_user, clinic).get("/admin/revenue-impact/bookings/"))
    assert (
        admin_client_for(manager, clinic).get("/admin/revenue-impact/nothing/").status_code == 404
    )


def test_the_menu_shows_revenue_impact_to_managers_and_front_desk(clinic, manager, therapist_user):
    page = admin_client_for(manager, clinic).get("/admin/")
    assert "Revenue impact" in page.text
    page = admin_client_for(therapist_user, clinic).get("/admin/")
    assert "Revenue impact" not in page.text


def test_revenue_page_chart_table_and_money(clinic, manager, june):
    page = admin_client_for(manager, clinic).get("/admin/revenue-impact/revenue/", PERIOD)
    assert page.status_code == 200
    text = page.text
    assert "£100.00" in text  # net: 123.45 taken, 23.45 refunded
    assert "£123.45" in text
    assert '<svg class="report-chart"' in text and 'role="img"' in text
    assert '<title id="chart-by_service-title">By service</title>' in text
    assert "Facial" in text
    assert "Other clinic" not in text and "£999.99" not in text
    assert "1 Jun 2026 – 30 Jun 2026, compared with 2 May 2026 – 31 May 2026" in text


def test_a_bad_period_names_the_field(clinic, manager):
    page = admin_client_for(manager, clinic).get(
        "/admin/revenue-impact/bookings/", {"date_from": "2026-06-30", "date_to": "2026-06-01"}
    )
    assert page.status_code == 200
    assert 'id="id_date_to-error"' in page.text
    assert "The end of the period is before its start." in page.text


def test_csv_export(clinic, manager, june):
    response = admin_client_for(manager, clinic).get(
        "/admin/revenue-impact/revenue/by_service.csv", PERIOD
    )
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert (
        'filename="glow-revenue-by_service-2026-06-01-2026-06-30.csv"'
        in response["Content-Disposition"]
    )
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows == [
        ["Service", "Net, this period (GBP)", "Net, previous period (GBP)", "Change"],
        ["Facial", "100.00", "0.00", ""],
    ]
    days = admin_client_for(manager, clinic).get(
        "/admin/revenue-impact/revenue/over_time.csv", {**PERIOD, "by": "week"}
    )
    rows = list(csv.reader(io.StringIO(days.content.decode())))
    assert rows[0][0] == "Week from" and len(rows) == 1 + 5
    assert rows[2] == ["2026-06-08", "123.45", "23.45", "100.00", "0.00"]
    assert (
        admin_client_for(manager, clinic)
        .get("/admin/revenue-impact/revenue/nothing.csv")
        .status_code
        == 404
    )


def test_the_other_clinics_manager_sees_their_own_figures(other_clinic, june):
    from tests.factories.clients import MembershipFactory

    boss = MembershipFactory(clinic=other_clinic, role="manager").user
    page = admin_client_for(boss, other_clinic).get("/admin/revenue-impact/revenue/", PERIOD)
    assert "$999.99" in page.text and "Facial" not in page.text


def test_settings_are_for_managers(clinic, manager, staff_user):
    client = admin_client_for(manager, clinic)
    response = client.post(
        "/admin/revenue-impact/settings/",
        {"rebooking_window_days": "84", "prize_window_days": "14", "point_value": "50"},
    )
    assert response.status_code == 302
    saved = ReportSettings.objects.get(clinic=clinic)
    assert (saved.rebooking_window_days, saved.prize_window_days, saved.point_value) == (84, 14, 50)
    invalid = client.post(
        "/admin/revenue-impact/settings/",
        {"rebooking_window_days": "0", "prize_window_days": "14", "point_value": "50"},
    )
    assert invalid.status_code == 200
    assert "Ensure this value is greater than or equal to 1." in invalid.text
    saved.refresh_from_db()
    assert saved.rebooking_window_days == 84
    staff = admin_client_for(staff_user, clinic)
    assert refused(
        staff.post(
            "/admin/revenue-impact/settings/",
            {"rebooking_window_days": "7", "prize_window_days": "14", "point_value": "50"},
        )
    )
    saved.refresh_from_db()
    assert saved.rebooking_window_days == 84


# The report's own queries on top of the admin's page (menus, session, permissions),
# which the index page runs too: the figures' grouped queries and the settings row.
OWN_QUERIES = {
    "revenue": 4 + 2,
    "bookings": 1 + 2,
    "retention": 2 + 2,
    "attendance": 3 + 2,
    "utilisation": 4 + 2,
    "loyalty": 7 + 2,
    "nudges": 4 + 2,
}


@pytest.mark.parametrize("key", OWN_QUERIES)
def test_query_count_per_page(clinic, manager, june, key):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = admin_client_for(manager, clinic)
    client.get(f"/admin/revenue-impact/{key}/", PERIOD)  # warm the session and caches
    with CaptureQueriesContext(connection) as index:
        client.get("/admin/revenue-impact/")
    with CaptureQueriesContext(connection) as page:
        assert client.get(f"/admin/revenue-impact/{key}/", PERIOD).status_code == 200
    # The same however much history there is: more rows, not more queries.
    assert len(page) - len(index) <= OWN_QUERIES[key], [q["sql"][:120] for q in page]


def test_another_clinics_location_is_refused(clinic, other_clinic, manager, june):
    from tests.factories.branding import LocationFactory

    theirs = LocationFactory(clinic=other_clinic, key="theirs", name="Their branch")
    page = admin_client_for(manager, clinic).get(
        "/admin/revenue-impact/revenue/", {**PERIOD, "location": theirs.pk}
    )
    assert 'id="id_location-error"' in page.text
    assert "Their branch" not in page.text
    assert "$999.99" not in page.text


def test_a_name_that_looks_like_a_formula_is_text_in_the_csv(clinic, manager, june):
    """CSV injection (security review): a service named "=HYPERLINK(…)" would run as a
    formula when a manager opens the file; it is exported with a leading apostrophe."""
    from booking_api.models import Service

    Service.objects.filter(clinic=clinic, name="Facial").update(name='=HYPERLINK("x")')

    response = admin_client_for(manager, clinic).get(
        "/admin/revenue-impact/revenue/by_service.csv", PERIOD
    )

    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[1][0] == '\'=HYPERLINK("x")'
