"""Validators for clinic data, shared by the admin forms, the API and the importer."""

import datetime
import re
import zoneinfo

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from branding.money import CURRENCIES

HEX_COLOUR = re.compile(r"^#[0-9a-fA-F]{6}$")


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
