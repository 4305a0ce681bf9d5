"""A manager opens Reports → Revenue impact → Revenue, changes the period, sees the
chart and figures change, and downloads the table as CSV; axe finds nothing serious."""

import csv
import datetime
import io
import zoneinfo
from pathlib import Path

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from tests.factories.booking import ServiceFactory, StaffFactory
from tests.factories.clients import PASSWORD, ClientAccountFactory, MembershipFactory
from tests.fixtures.browser import clinic_url
from tests.fixtures.reports import booking, local, payment

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

DESKTOP = {"width": 1400, "height": 1000}


@pytest.fixture
def desktop(browser):
    context = browser.new_context(viewport=DESKTOP, locale="en-GB", accept_downloads=True)
    page = context.new_page()
    page.set_default_timeout(20_000)
    yield page
    context.close()


def test_manager_changes_the_period_and_downloads_csv(live_server, clinic, desktop, shot, axe):
    service = ServiceFactory(clinic=clinic, name="Signature facial")
    staff = StaffFactory(clinic=clinic, display_name="Zara")
    client = ClientAccountFactory(clinic=clinic)
    recent = timezone.now().astimezone(zoneinfo.ZoneInfo(clinic.timezone)) - datetime.timedelta(
        days=3
    )
    payment(booking(clinic, client, service, staff, recent), 8500, recent)
    june = booking(clinic, client, service, staff, local("2025-06-10"))
    payment(june, 4200, local("2025-06-10", "15:00"))
    manager = MembershipFactory(clinic=clinic, role="manager").user

    desktop.goto(clinic_url(live_server, clinic, "/admin/login/"))
    desktop.get_by_label("Email").fill(manager.email)
    desktop.get_by_label("Password").fill(PASSWORD)
    desktop.get_by_role("button", name="Sign in").click()
    expect(desktop).to_have_url(clinic_url(live_server, clinic, "/admin/"))

    desktop.get_by_role("button", name="Reports").click()
    desktop.get_by_role("link", name="Revenue impact").click()
    desktop.get_by_role("link", name="Revenue", exact=True).click()
    figure = desktop.locator("[data-figure]").first
    expect(figure.locator(".value")).to_have_text("£85.00")
    chart = desktop.locator('svg[data-chart="by_service"]')
    expect(chart.locator("rect[data-series=cur]")).to_have_count(1)
    before = chart.locator("rect[data-series=cur] title").text_content()
    assert "£85.00" in before
    axe(desktop)
    shot(desktop, "admin-reports-revenue")

    desktop.get_by_role("textbox", name="From").fill("01/06/2025")
    desktop.get_by_role("textbox", name="To", exact=True).fill("30/06/2025")
    desktop.keyboard.press("Escape")
    desktop.get_by_role("button", name="Show").click()
    expect(desktop.locator("[data-period]")).to_contain_text("1 Jun 2025 – 30 Jun 2025")
    expect(figure.locator(".value")).to_have_text("£42.00")
    expect(chart.locator("rect[data-series=cur] title")).to_contain_text("£42.00")
    axe(desktop)

    with desktop.expect_download() as info:
        desktop.get_by_role("link", name="Download “By service” as CSV").click()
    download = info.value
    assert download.suggested_filename == "glow-revenue-by_service-2025-06-01-2025-06-30.csv"
    rows = list(csv.reader(io.StringIO(Path(download.path()).read_text(encoding="utf-8"))))
    assert rows == [
        ["Service", "Net, this period (GBP)", "Net, previous period (GBP)", "Change"],
        ["Signature facial", "42.00", "0.00", ""],
    ]
