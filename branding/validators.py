"""Validators for clinic data, shared by the admin forms, the API and the importer."""

import datetime
import re
import zoneinfo

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from branding.money import CURRENCIES

HEX_COLOUR = re.compile(r"^#[0-9a-fA-F]{6}$")
# What a person's or a pet's name never needs and markup or terminal tricks do: angle
# brackets, control characters (C0, DEL, C1) and the bidirectional overrides that make
# text read backwards.
NOT_IN_NAMES = re.compile(r"[<>\x00-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
NAME_MESSAGE = _("Names cannot contain “<”, “>” or control characters.")


def validate_hex_colour(value):
    if not HEX_COLOUR.match(value or ""):
        raise ValidationError(
            _("%(value)s is not a colour in the form #rrggbb."), params={"value": value}
        )


def validate_timezone(value):
    try:
        zoneinfo.ZoneInfo(value)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError, TypeError) as exc:
        raise ValidationError(
            _("%(value)s is not an IANA time zone (e.g. Europe/London)."),
            params={"value": value},
        ) from exc


def validate_currency(value):
    if value not in CURRENCIES:
        raise ValidationError(
            _("%(value)s is not a supported ISO 4217 currency code."), params={"value": value}
        )


# The calendar Python can count in: a day either side of these overflows (OverflowError)
# once a time zone or a following day is added, so input outside them is refused.
FIRST_DAY = datetime.date(2, 1, 1)
LAST_DAY = datetime.date(9998, 12, 31)


def within_calendar(day):
    return FIRST_DAY <= day <= LAST_DAY


def name_is_clean(value):
    """Whether a name (first, last, a pet's, a typed signature…) is free of markup and
    control characters. Every door that stores a name asks this, through
    ``validate_name`` (forms, models) or the service that writes it."""
    return not NOT_IN_NAMES.search(str(value or ""))


def validate_name(value):
    if not name_is_clean(value):
        raise ValidationError(NAME_MESSAGE, code="name_invalid")


def validate_origins(value):
    """Web origins, one per line: scheme and host (and port), no path — what a browser
    sends as ``Origin``."""
    from urllib.parse import urlsplit

    for line in (line.strip() for line in (value or "").splitlines()):
        if not line:
            continue
        parts = urlsplit(line.rstrip("/"))
        if parts.scheme not in ("https", "http") or not parts.netloc or parts.path:
            raise ValidationError(
                _("%(line)s is not an origin: write it like https://app.example.com.")
                % {"line": line}
            )
