"""How a report's values read: on the page (money through ``branding.money``, dates
through ``branding.clinic_time``) and in a CSV file (plain numbers a spreadsheet reads:
money in major units, rates as fractions)."""

import datetime

from babel.numbers import format_decimal, format_percent
from django.utils.translation import gettext as _

from branding import clinic_time
from branding.money import format_money, to_major
from branding.spreadsheets import cell_text
from reports.registry import COUNT, MINUTES, MONEY, PERCENT, TEXT


def show(value, kind, currency):
    """``value`` of ``kind`` as people read it in the admin."""
    if value is None:
        return "–"
    locale = clinic_time.locale_name()
    if kind == MONEY:
        return format_money(value, currency)
    if kind == PERCENT:
        return format_percent(value, format="#,##0.0%", locale=locale)
    if kind == COUNT:
        return format_decimal(value, locale=locale)
    if kind == MINUTES:
        hours, minutes = divmod(int(value), 60)
        return _("%(hours)s h %(minutes)02d min") % {
            "hours": format_decimal(hours, locale=locale),
            "minutes": minutes,
        }
    if kind == "date":
        return clinic_time.format_date(value, "weekday")
    if kind == "month":
        from babel.dates import format_skeleton

        return format_skeleton("yMMM", value, locale=locale)
    return str(value)


def export(value, kind):
    """``value`` of ``kind`` for a CSV cell."""
    if value is None:
        return ""
    if kind == MONEY:
        return str(value)  # already major units (see ``csv_rows``)
    if kind == PERCENT:
        return f"{value:.4f}"
    if isinstance(value, datetime.date):
        return value.isoformat()
    if kind == TEXT:  # names staff typed: never a formula in a spreadsheet
        return cell_text(value)
    return str(value)


def csv_rows(table, currency):
    """The table as CSV rows: a header (money columns name the currency), then the
    values, money in major units ("45.00")."""
    header = [f"{c.label} ({currency})" if c.kind == MONEY else str(c.label) for c in table.columns]
    yield header
    for row in table.rows:
        yield [
            export(
                to_major(row.get(c.key), currency)
                if c.kind == MONEY and row.get(c.key) is not None
                else row.get(c.key),
                c.kind,
            )
            for c in table.columns
        ]
