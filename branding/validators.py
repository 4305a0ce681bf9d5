"""Validators for clinic data, shared by the admin forms, the API and the importer."""

import re
import zoneinfo

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

HEX_COLOUR = re.compile(r"^#[0-9a-fA-F]{6}$")

# ISO 4217 codes and their minor-unit exponent; the ones clinics on this platform use.
CURRENCY_EXPONENTS = {
    "GBP": 2,
    "EUR": 2,
    "USD": 2,
    "CAD": 2,
    "AUD": 2,
    "NZD": 2,
    "CHF": 2,
    "SEK": 2,
    "NOK": 2,
    "DKK": 2,
    "PLN": 2,
    "CZK": 2,
    "HUF": 2,
    "RON": 2,
    "BGN": 2,
    "ZAR": 2,
    "SGD": 2,
    "HKD": 2,
    "AED": 2,
    "INR": 2,
    "MXN": 2,
    "BRL": 2,
    "JPY": 0,
    "KRW": 0,
}


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
    if value not in CURRENCY_EXPONENTS:
        raise ValidationError(
            _("%(value)s is not a supported ISO 4217 currency code."), params={"value": value}
        )
