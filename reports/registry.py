"""The report sections, a registry filled when the app is ready.

``reports`` sits above every app it reads (booking_api, payments, loyalty…) and below
``portal_pages``. The apps on the layer just below it (automations, sync, commerce) may
not import it, and it may not import them (they are optional). Such an app offers a
section the way ``branding``'s import sections work, without an import either way: a
module ``<app>/report_sections.py`` with ``SECTIONS``, a list of plain dicts with the
fields of ``ReportSection``::

    SECTIONS = [{
        "key": "nudges", "title": _("Nudges"), "description": _("…"),
        "roles": ("manager",), "order": 70, "build": build_nudges,
    }]

``ReportsConfig.ready`` registers them (``discover_sections``). ``build(query)`` gets a
``ReportQuery`` (clinic, period with ``start``/``end`` and ``previous``, location or
None, granularity, the clinic's report settings) and returns a ``ReportResult`` or the
same as plain dicts (``{"figures": [{label, current, previous, kind}], "tables":
[{key, title, columns: [{key, label, kind}], rows, chart, series}], "notes": []}``), so
the app needs nothing from here. Kinds are the strings below. Everything a build queries
must take the clinic first and be grouped in the database (one query per figure, both
periods at once), never a query per row.
"""

import importlib
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.apps import apps as django_apps

# value kinds of a column or figure: how it is shown and exported
MONEY = "money"  # integer minor units of the clinic's currency
COUNT = "count"
PERCENT = "percent"  # a fraction 0..1 (or None when there is nothing to divide by)
MINUTES = "minutes"
TEXT = "text"


@dataclass(frozen=True)
class ReportQuery:
    clinic: Any
    period: Any  # reports.periods.Period
    location: Any = None  # a branding Location, or None for every location
    granularity: str = "day"  # "day" or "week" for time series
    settings: Any = None  # reports.models.ReportSettings of the clinic


@dataclass(frozen=True)
class Column:
    key: str
    label: str
    kind: str = COUNT


@dataclass
class Table:
    """One chart and the table under it. ``rows`` are dicts keyed by column key; the
    first column is the label. ``chart`` is "bars" (categories, current against
    previous), "lines" (a time series against the previous period's) or "" (table only);
    ``series`` names the columns the chart draws."""

    key: str
    title: str
    columns: list
    rows: list
    chart: str = "bars"
    series: tuple = ()
    description: str = ""


@dataclass(frozen=True)
class Figure:
    label: str
    current: Any
    previous: Any
    kind: str = COUNT


@dataclass
class ReportResult:
    figures: list = field(default_factory=list)
    tables: list = field(default_factory=list)
    notes: list = field(default_factory=list)

    def table(self, key):
        return next(t for t in self.tables if t.key == key)


@dataclass(frozen=True)
class ReportSection:
    key: str
    title: str
    description: str
    roles: tuple
    order: int
    build: Callable[[ReportQuery], ReportResult]


_SECTIONS: dict[str, ReportSection] = {}


def as_result(value) -> "ReportResult":
    """A build's answer as a ``ReportResult`` (apps below reports answer in dicts)."""
    if isinstance(value, ReportResult):
        return value
    return ReportResult(
        figures=[f if isinstance(f, Figure) else Figure(**f) for f in value.get("figures", ())],
        tables=[
            t
            if isinstance(t, Table)
            else Table(
                **{
                    **t,
                    "columns": [c if isinstance(c, Column) else Column(**c) for c in t["columns"]],
                }
            )
            for t in value.get("tables", ())
        ],
        notes=list(value.get("notes", ())),
    )


def register_section(section: ReportSection | dict):
    if isinstance(section, dict):
        section = ReportSection(**section)
    if section.key in _SECTIONS and _SECTIONS[section.key] != section:
        raise ValueError(f"Report section {section.key!r} is registered twice.")
    _SECTIONS[section.key] = section
    return section


def sections(role=None) -> list[ReportSection]:
    """The sections in order; only those ``role`` may see when given."""
    found = sorted(_SECTIONS.values(), key=lambda s: (s.order, s.key))
    if role is None:
        return found
    return [s for s in found if role in s.roles]


def section(key) -> ReportSection | None:
    return _SECTIONS.get(key)


def discover_sections():
    """Register ``SECTIONS`` of every installed app's ``report_sections`` module: how an
    app that may not import ``reports`` (one on a layer below it) offers a section."""
    for config in django_apps.get_app_configs():
        if config.name == "reports":
            continue
        try:
            module = importlib.import_module(f"{config.name}.report_sections")
        except ModuleNotFoundError as exc:
            if exc.name != f"{config.name}.report_sections":
                raise
            continue
        for item in getattr(module, "SECTIONS", ()):
            register_section(item)
