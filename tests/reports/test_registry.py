"""An app that may not import ``reports`` (automations, sync, commerce sit below it)
offers a section as plain data in ``<app>/report_sections.py``; the Reports area finds
it, shows it to the roles it names, and exports its tables."""

import sys
import types

import pytest

from reports import registry
from tests.fixtures.clinics import admin_client_for


def build_sample(query):
    # What an app below reports would write: dicts only, the clinic from the query.
    return {
        "figures": [{"label": "Nudges sent", "current": 12, "previous": 3, "kind": "count"}],
        "tables": [
            {
                "key": "sent",
                "title": "Nudges by kind",
                "columns": [
                    {"key": "label", "label": "Kind", "kind": "text"},
                    {"key": "cur", "label": "Sent", "kind": "count"},
                    {"key": "money", "label": "Revenue", "kind": "money"},
                ],
                "rows": [{"label": f"Win-back at {query.clinic.name}", "cur": 12, "money": 4550}],
                "series": ("cur",),
            }
        ],
    }


@pytest.fixture
def nudges_module():
    module = types.ModuleType("booking_api.report_sections")
    module.SECTIONS = [
        {
            "key": "sample",
            "title": "Sample",
            "description": "What the nudges brought back.",
            "roles": ("manager",),
            "order": 70,
            "build": build_sample,
        }
    ]
    sys.modules["booking_api.report_sections"] = module
    yield module
    del sys.modules["booking_api.report_sections"]
    registry._SECTIONS.pop("sample", None)


def test_a_section_offered_as_data_is_found_shown_and_exported(
    clinic, manager, staff_user, nudges_module
):
    assert registry.section("sample") is None
    registry.discover_sections()
    assert registry.section("sample").title == "Sample"
    browser = admin_client_for(manager, clinic)
    assert "/admin/revenue-impact/sample/" in browser.get("/admin/revenue-impact/").text
    page = browser.get("/admin/revenue-impact/sample/")
    assert "Win-back at Glow Aesthetics" in page.text and "£45.50" in page.text
    assert '<svg class="report-chart"' in page.text
    csv = browser.get("/admin/revenue-impact/sample/sent.csv").content.decode()
    assert csv.splitlines() == ["Kind,Sent,Revenue (GBP)", "Win-back at Glow Aesthetics,12,45.50"]
    staff = admin_client_for(staff_user, clinic)
    assert "/admin/revenue-impact/sample/" not in staff.get("/admin/revenue-impact/").text
    assert staff.get("/admin/revenue-impact/sample/").status_code == 302


def test_a_key_taken_twice_is_refused(nudges_module):
    registry.discover_sections()
    with pytest.raises(ValueError, match="registered twice"):
        registry.register_section({**nudges_module.SECTIONS[0], "order": 71})
