"""``{% load clinic_time %}``: ``branding.clinic_time``'s one format per locale, in
templates, on the clinic's wall clock.

- ``{{ booking.start|clinic_datetime:"weekday" }}`` → "Sat, Dec 5, 2026, 10:00 AM" (US),
  "Sat, 5 Dec 2026, 10:00" (UK): a booking's day and time, as every patient-facing
  page, email and receipt writes it; without a style ("medium") "Dec 5, 2026, 10:00
  AM" for records; ``:"seconds"`` adds the seconds;
- ``{{ day|clinic_date }}`` → "Dec 5, 2026"; ``:"weekday"``, ``:"short"`` (no year),
  ``:"long"`` (a heading), ``:"day"``, ``:"month"`` — the named styles of
  ``branding.clinic_time._DATE_STYLES``, the only ones (no Django ``|date`` patterns for
  people to read);
- ``{{ booking.start|clinic_time }}`` → "10:00", "10:00 AM";
- ``{{ booking.start|clinic_time_range:booking.end }}`` → "10:00–10:30";
- ``{{ 14|clinic_hour }}`` → an hour of the day: "14:00", "2:00 PM" (the calendar's
  hour labels).
"""

import datetime

from django import template

from branding import clinic_time

register = template.Library()


@register.filter
def clinic_datetime(value, style="medium"):
    if value in (None, ""):
        return ""
    if style == "seconds":
        return clinic_time.format_datetime(value, seconds=True)
    return clinic_time.format_datetime(value, style)


@register.filter
def clinic_date(value, style="medium"):
    return clinic_time.format_date(value, style)


@register.filter
def clinic_time_of_day(value):
    return clinic_time.format_time(value)


register.filter("clinic_time", clinic_time_of_day)


@register.filter
def clinic_hour(hour):
    return clinic_time.format_time(datetime.time(int(hour) % 24))


@register.filter
def clinic_time_range(start, end):
    if start in (None, "") or end in (None, ""):
        return ""
    return clinic_time.format_time_range(start, end)


@register.filter
def ago(value):
    """How long ago, for "Last updated …": "just now" under a minute, else
    "4 minutes ago" / "2 hours ago" (the largest unit only)."""
    from django.utils import timezone
    from django.utils.timesince import timesince
    from django.utils.translation import gettext

    if not value:
        return ""
    if (timezone.now() - value).total_seconds() < 60:
        return gettext("just now")
    return gettext("%(time)s ago") % {"time": timesince(value, depth=1)}
