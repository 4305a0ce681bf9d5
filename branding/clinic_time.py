"""Dates and times as a clinic's people read them: on the clinic's wall clock, in the
clinic's locale. The one place a moment becomes text, as ``branding.money`` is for
amounts.

- ``activate(clinic)`` / ``deactivate()`` / ``override(clinic)``: the clinic's time zone
  (Django's current time zone, so ``timezone.localtime`` and ``|date`` follow it) and the
  clinic's country, which with the active language makes the locale. The tenancy
  middleware activates the request's clinic; the admin activates the clinic it works on
  (``people.middleware``); messages rendered outside a request use ``override``.
- ``locale_name()``: the babel locale: the active language and the country of the
  clinic's time zone when CLDR knows the pair ("en_GB" in London, "en_US" in New York,
  "bg_BG" in Sofia), else the language alone.
- ``format_date``, ``format_time``, ``format_datetime``, ``format_time_range``: a few
  named date styles (``_DATE_STYLES``, the only ones: "weekday" for a booking's day and
  its deadlines wherever a patient reads it — portal, emails, texts, receipts —,
  "medium" for records, "short", "long", "day", "month"), each a CLDR skeleton so the
  locale decides the order: "Sat, Dec 5, 2026, 10:00 AM" in the US, "Sat, 5 Dec 2026,
  10:00" in the UK, "сб, 5.12.2026 г., 10:00" in Bulgarian. Aware datetimes are shown
  in the current (clinic's) time zone; plain dates as they are. The template filters
  are ``{% load clinic_time %}{{ value|clinic_datetime:"weekday" }}`` and friends.
- ``format_for(clinic, value)``: a moment as the clinic writes it, outside its request
  (audit summaries).
- ``date_input_format()``: how people there type a date (dd/mm/yyyy in the UK,
  mm/dd/yyyy in the US, dd.mm.yyyy in Bulgaria), for the admin's date pickers.
"""

import contextlib
import contextvars
import datetime
import functools
import re
import zoneinfo

from babel import Locale, UnknownLocaleError
from babel import dates as babel_dates
from babel.core import get_global
from django.utils import timezone, translation

NBSP = "\u00a0"

_country = contextvars.ContextVar("clinic_country", default=None)


# --- which clinic --------------------------------------------------------------------


@functools.cache
def country_of_zone(zone: str) -> str | None:
    """The ISO country of a time zone ("America/New_York" → "US"), or None ("UTC")."""
    country = get_global("zone_territories").get(zone)
    return country if country and country.isalpha() and len(country) == 2 else None


def activate(clinic):
    """Dates and times from now on are the clinic's: its zone and its country's formats."""
    timezone.activate(zoneinfo.ZoneInfo(clinic.timezone))
    _country.set(country_of_zone(clinic.timezone))


def deactivate():
    timezone.deactivate()
    _country.set(None)


@contextlib.contextmanager
def override(clinic):
    """Within the block, dates and times are the clinic's (for messages, PDFs, tasks)."""
    token = _country.set(country_of_zone(clinic.timezone))
    try:
        with timezone.override(zoneinfo.ZoneInfo(clinic.timezone)):
            yield
    finally:
        _country.reset(token)


@functools.cache
def _known_locale(name: str) -> str | None:
    try:
        Locale.parse(name)
    except (UnknownLocaleError, ValueError):
        return None
    return name


def locale_name(language: str | None = None, country: str | None = None) -> str:
    """The babel locale for the active (or given) language at the active clinic."""
    language = (language or translation.get_language() or "en").replace("-", "_")
    language = language.split("_")[0].lower()
    country = country or _country.get()
    if country:
        paired = _known_locale(f"{language}_{country}")
        if paired:
            return paired
    return _known_locale(language) or "en"


# --- formatting ----------------------------------------------------------------------


def zone_city(zone: str, *, locale: str | None = None) -> str:
    """The city a time zone is named after, as people read it ("New York", "Ню Йорк"),
    rather than its database key ("America/New_York")."""
    try:
        return babel_dates.get_timezone_location(
            zone, locale=locale or locale_name(), return_city=True
        )
    except (LookupError, ValueError):
        return zone


def _clean(text: str) -> str:
    # CLDR puts a narrow no-break space before AM/PM; a plain no-break space renders in
    # every font and still keeps "10:00 AM" on one line.
    return text.replace("\u202f", NBSP)


def _local(value):
    if isinstance(value, datetime.datetime) and timezone.is_aware(value):
        return timezone.localtime(value)
    return value


# The named date styles: every date people read is one of these (the template filters
# and ``format_date``/``format_datetime``/``format_for`` take the name). Each is a CLDR
# skeleton or standard length, so the locale decides order, punctuation and names — no
# fixed patterns ("D j M Y") anywhere else. Examples: en_US · en_GB · bg.
_DATE_STYLES = {
    # A booking's day, and the deadlines on it (free cancellation until, a payment link's
    # "until"): the portal's lists and pages, emails, texts, pushes, receipts.
    # Sat, Dec 5, 2026 · Sat, 5 Dec 2026 · сб, 5.12.2026 г.
    "weekday": "yMMMEd",
    # A record's date (signed, sent, joined, expires, born): Dec 5, 2026 · 5 Dec 2026 ·
    # 5.12.2026 г.
    "medium": "medium",
    # "weekday" without the year, where room is short and the year is plain (email
    # subjects, the home page's next visit): Sat, Dec 5 · Sat 5 Dec · сб, 5.12
    "short": "MMMEd",
    # A day as a heading (the day picked to book, Today, a calendar day read aloud):
    # Saturday, December 5, 2026 · Saturday, 5 December 2026 · събота, 5 декември 2026 г.
    "long": "full",
    # Day and month, for ranges and chart labels: Dec 5 · 5 Dec · 5.12
    "day": "MMMd",
    # A month heading: December 2026 · декември 2026 г.
    "month": "yMMMM",
}


def format_date(value, style: str = "medium", *, locale: str | None = None) -> str:
    """A date (or the local date of an aware datetime) in one of the named styles
    (``_DATE_STYLES``: "weekday", "medium", "short", "long", "day", "month")."""
    if style not in _DATE_STYLES:
        raise ValueError(f"Unknown date style {style!r}: one of {', '.join(_DATE_STYLES)}.")
    if value in (None, ""):
        return ""
    value = _local(value)
    if isinstance(value, datetime.datetime):
        value = value.date()
    locale = locale or locale_name()
    fmt = _DATE_STYLES[style]
    if fmt in ("short", "medium", "long", "full"):
        return _clean(babel_dates.format_date(value, fmt, locale=locale))
    return _clean(babel_dates.format_skeleton(fmt, value, locale=locale))


def first_weekday(*, locale: str | None = None) -> int:
    """The day a week starts on where the clinic is (0 Monday … 6 Sunday): Monday in
    the UK and Bulgaria, Sunday in the US (CLDR)."""
    return Locale.parse(locale or locale_name()).first_week_day


def weekday_names(*, locale: str | None = None, width: str = "abbreviated") -> list[str]:
    """The seven weekday names in the locale's order, from ``first_weekday``."""
    locale = locale or locale_name()
    names = Locale.parse(locale).days["stand-alone"][width]
    start = first_weekday(locale=locale)
    return [names[(start + n) % 7] for n in range(7)]


def format_time(value, *, seconds: bool = False, locale: str | None = None) -> str:
    """The wall-clock time: "10:00" in the UK, "10:00 AM" in the US."""
    if value in (None, ""):
        return ""
    value = _local(value)
    if isinstance(value, datetime.datetime):
        value = value.time()
    fmt = "medium" if seconds else "short"
    return _clean(babel_dates.format_time(value, fmt, locale=locale or locale_name()))


def format_datetime(
    value, style: str = "medium", *, seconds: bool = False, locale: str | None = None
) -> str:
    """Date and time in the locale's order: "2 Dec 2026, 10:00", "Dec 2, 2026, 10:00 AM"."""
    if value in (None, ""):
        return ""
    locale = locale or locale_name()
    pattern = Locale.parse(locale).datetime_formats["medium"]
    pattern = getattr(pattern, "pattern", pattern)
    return pattern.replace("{1}", format_date(value, style, locale=locale)).replace(
        "{0}", format_time(value, seconds=seconds, locale=locale)
    )


def format_for(clinic, value, style: str = "medium") -> str:
    """``value`` as ``format_datetime`` writes it at ``clinic`` (its zone, its country
    and its language), from anywhere — for text kept for staff to read later, such as
    audit summaries, which are written wherever the change happens."""
    with override(clinic), translation.override(clinic.language or None):
        return format_datetime(value, style)


def format_time_range(start, end, *, locale: str | None = None) -> str:
    """ "10:00–10:30" or "10:00 AM–10:30 AM"."""
    return f"{format_time(start, locale=locale)}–{format_time(end, locale=locale)}"


# --- typing a date -------------------------------------------------------------------

_FIELD = {"d": "%d", "M": "%m", "y": "%Y"}


@functools.cache
def _input_format(locale: str) -> str:
    pattern = Locale.parse(locale).date_formats["short"].pattern
    pattern = re.sub(r"'[^']*'", "", pattern)  # quoted literals ("г.")
    order = sorted((pattern.find(c), c) for c in "dMy" if c in pattern)
    if len(order) != 3:
        return "%Y-%m-%d"
    between = pattern[order[0][0] : order[1][0]]
    separator = re.sub(r"[dMy]", "", between).strip() or "/"
    return separator.join(_FIELD[c] for _pos, c in order)


def date_input_format(locale: str | None = None) -> str:
    """The strftime format people at the clinic type dates in: "%d/%m/%Y" (UK),
    "%m/%d/%Y" (US), "%d.%m.%Y" (Bulgaria); ISO where the locale writes ISO."""
    return _input_format(locale or locale_name())


def date_input_placeholder(locale: str | None = None) -> str:
    """The format as people read it: "dd/mm/yyyy", "mm/dd/yyyy", "dd.mm.yyyy"."""
    return date_input_format(locale).replace("%d", "dd").replace("%m", "mm").replace("%Y", "yyyy")


def parse_date_input(text: str, locale: str | None = None) -> datetime.date | None:
    """A date typed in the clinic's format, or None when it is not one."""
    try:
        return datetime.datetime.strptime(text.strip(), date_input_format(locale)).date()
    except ValueError:
        return None
