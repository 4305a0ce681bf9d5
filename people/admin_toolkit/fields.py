"""Form fields the admin's clinic forms share: money typed in the clinic's currency, and
date-times typed in the clinic's time zone."""

import datetime

from django import forms
from django.utils import timezone

from branding.money import AmountField


class MoneyField(AmountField):
    """An amount typed in major units ("45.00", "45,00") and cleaned to integer minor
    units (4500) of ``currency``. Parsing and precision are ``branding.money``'s: amounts
    with more decimals than the currency has are refused, not rounded."""


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
