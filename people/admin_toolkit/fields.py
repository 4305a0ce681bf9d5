"""Form fields the admin's clinic forms share: money typed in the clinic's currency, and
date-times typed in the clinic's time zone."""

import datetime
import decimal

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from branding.validators import CURRENCY_EXPONENTS

MAX_MINOR_UNITS = 2**31 - 1  # the largest PositiveIntegerField on every database


def currency_exponent(currency):
    return CURRENCY_EXPONENTS.get(currency, 2)


def minor_to_amount(minor, currency):
    """4500, "GBP" → "45.00" (a string, for showing and for the input's value)."""
    if minor is None:
        return ""
    exponent = currency_exponent(currency)
    return f"{decimal.Decimal(minor).scaleb(-exponent):.{exponent}f}"


class MoneyField(forms.CharField):
    """An amount typed in major units ("45.00") and cleaned to integer minor units (4500)
    of ``currency``. Amounts with more decimals than the currency has are refused, not
    rounded."""

    default_error_messages = {
        "invalid": _("Enter an amount such as 45.00."),
        "negative": _("The amount cannot be negative."),
        "decimals": _("%(currency)s amounts have at most %(places)s decimal places."),
        "no_decimals": _("%(currency)s amounts have no decimal places."),
        "too_large": _("The amount is too large."),
    }

    def __init__(self, *, currency="GBP", **kwargs):
        kwargs.setdefault("widget", forms.TextInput(attrs={"inputmode": "decimal"}))
        super().__init__(**kwargs)
        self.currency = currency

    def prepare_value(self, value):
        if isinstance(value, int):
            return minor_to_amount(value, self.currency)
        return value

    def to_python(self, value):
        if isinstance(value, int):  # the initial value, already in minor units
            return value
        text = super().to_python(value).strip()
        if text in self.empty_values:
            return None
        try:
            amount = decimal.Decimal(text)
        except decimal.InvalidOperation:
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid") from None
        if not amount.is_finite():
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid")
        if amount < 0:
            raise forms.ValidationError(self.error_messages["negative"], code="negative")
        exponent = currency_exponent(self.currency)
        minor = amount.scaleb(exponent)
        if minor != minor.to_integral_value():
            code = "decimals" if exponent else "no_decimals"
            raise forms.ValidationError(
                self.error_messages[code],
                code=code,
                params={"currency": self.currency, "places": exponent},
            )
        if minor > MAX_MINOR_UNITS:
            raise forms.ValidationError(self.error_messages["too_large"], code="too_large")
        return int(minor)


class ClinicDateTimeField(forms.DateTimeField):
    """A date and time typed and shown in the clinic's time zone (not the server's or the
    admin user's); cleaned to an aware datetime, which the database keeps in UTC."""

    widget = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")

    def __init__(self, *, tz=datetime.UTC, **kwargs):
        super().__init__(**kwargs)
        self.tz = tz

    def prepare_value(self, value):
        if isinstance(value, datetime.datetime) and timezone.is_aware(value):
            return value.astimezone(self.tz).replace(tzinfo=None)
        return value

    def to_python(self, value):
        with timezone.override(self.tz):
            return super().to_python(value)
