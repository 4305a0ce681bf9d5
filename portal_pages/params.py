"""What the wizard and rescheduling read from the address: a month, a day, a start time
(in the clinic's time zone). An unreadable month or start is None; an unreadable day is a
404, as for any address that names nothing. Days and starts past the calendar's edges
(``branding.validators.within_calendar``) count as unreadable."""

import datetime
import zoneinfo

from django.http import Http404

from branding.validators import within_calendar


def parse_month(value):
    try:
        return datetime.date.fromisoformat(f"{value}-01") if value else None
    except ValueError:
        return None


def parse_date(value):
    try:
        day = datetime.date.fromisoformat(value)
    except (TypeError, ValueError) as exc:
        raise Http404("Not a date.") from exc
    if not within_calendar(day):  # the engine cannot count past the calendar's edges
        raise Http404("Not a date.")
    return day


def parse_start(value, clinic):
    """A slot's start from its epoch seconds (``t``), aware in the clinic's zone."""
    try:
        stamp = int(value)
        start = datetime.datetime.fromtimestamp(stamp, zoneinfo.ZoneInfo(clinic.timezone))
    except (TypeError, ValueError, OverflowError, OSError):  # not a number, or past year 9999
        return None
    return start if within_calendar(start.date()) else None
