"""Validators for clinic data, shared by the admin forms, the API and the importer."""

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
