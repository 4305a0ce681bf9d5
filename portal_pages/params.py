"""What the wizard and rescheduling read from the address: a month, a day, a start time
(in the clinic's time zone). An unreadable month or start is None; an unreadable day is a
404, as for any address that names nothing."""

import datetime
import zoneinfo

from django.http import Http404


def parse_month(value):
    try:
        return datetime.date.fromisoformat(f"{value}-01") if value else None
    except ValueError:
        return None


def parse_date(value):
    try:
        return datetime.date.fromisoformat(value)
    except (TypeError, ValueError) as exc:
        raise Http404("Not a date.") from exc


def parse_start(value, clinic):
    """A slot's start from its epoch seconds (``t``), aware in the clinic's zone."""
    try:
        stamp = int(value)
    except (TypeError, ValueError):
        return None
    return datetime.datetime.fromtimestamp(stamp, zoneinfo.ZoneInfo(clinic.timezone))
