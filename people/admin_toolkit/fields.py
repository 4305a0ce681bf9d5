"""Form fields the admin's clinic forms share: money typed in the clinic's currency, and
dates and date-times typed in the clinic's order and time zone.

Dates are typed the way people at the clinic write them (``branding.clinic_time.
date_input_format``: dd/mm/yyyy in the UK, mm/dd/yyyy in the US, dd.mm.yyyy in
Bulgaria) with Wagtail's date picker in that format — never the browser's native picker,
whose order follows the browser's language, not the clinic's (an en-US browser showed
mm/dd/yyyy at a London clinic). ISO dates (2026-12-02) are read too: the calendar's links
and scripts send them. Anything else is refused, never guessed."""

import datetime
import json
import re

from babel import Locale
from django import forms
from django.utils import timezone
from wagtail.admin.datetimepicker import to_datetimepicker_format

from branding import clinic_time
from branding.money import AmountField


class MoneyField(AmountField):
    """An amount typed in major units ("45.00", "45,00") and cleaned to integer minor
    units (4500) of ``currency``. Parsing and precision are ``branding.money``'s: amounts
    with more decimals than the currency has are refused, not rounded."""


def _placeholder(fmt: str) -> str:
    return (
        fmt.replace("%d", "dd").replace("%m", "mm").replace("%Y", "yyyy").replace("%H:%M", "hh:mm")
    )


def _first_weekday() -> int:
    """The locale's first day of the week for the picker (0 = Sunday)."""
    return (Locale.parse(clinic_time.locale_name()).first_week_day + 1) % 7


def date_picker_config() -> str:
    """The picker's settings for a date in the clinic's order (for inputs rendered by
    hand, such as the client page's inline edits)."""
    return json.dumps(
        {
            "format": to_datetimepicker_format(clinic_time.date_input_format()),
            "dayOfWeekStart": _first_weekday(),
        }
    )


class ClinicDateInput(forms.DateInput):
    """A text input in the clinic's date order with Wagtail's date picker (started by
    ``static/people/admin/pickers.js``); what is typed reaches the field as ISO."""

    input_type = "text"
    picker = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs={"autocomplete": "off", **(attrs or {})})

    def python_format(self) -> str:
        return clinic_time.date_input_format()

    def _parse(self, text):
        return clinic_time.parse_date_input(text)

    def _iso(self, value):
        return value.isoformat()

    def _from_iso(self, text):
        return datetime.date.fromisoformat(text)

    def format_value(self, value):
        if isinstance(value, str):
            try:
                value = self._from_iso(value)
            except ValueError:
                return value or None
        if isinstance(value, datetime.date):
            return value.strftime(self.python_format())
        return value

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        fmt = self.python_format()
        widget_attrs = context["widget"]["attrs"]
        widget_attrs.setdefault("placeholder", _placeholder(fmt))
        widget_attrs["data-clinic-picker"] = self.picker
        widget_attrs["data-picker-config"] = json.dumps(
            {"format": to_datetimepicker_format(fmt), "dayOfWeekStart": _first_weekday()}
        )
        return context

    def value_from_datadict(self, data, files, name):
        raw = super().value_from_datadict(data, files, name)
        if isinstance(raw, str) and raw.strip():
            parsed = self._parse(raw)
            if parsed is not None:
                return self._iso(parsed)
        return raw


class ClinicDateField(forms.DateField):
    """A date typed in the clinic's order (or ISO); nothing else is guessed at."""

    widget = ClinicDateInput
    input_formats = ["%Y-%m-%d"]


class ClinicDateTimeInput(ClinicDateInput):
    """Date and 24-hour time ("02/12/2026 14:30" in the UK), with Wagtail's picker."""

    picker = "datetime"

    def python_format(self) -> str:
        return f"{clinic_time.date_input_format()} %H:%M"

    def _parse(self, text):
        try:
            return datetime.datetime.strptime(text.strip(), self.python_format())
        except ValueError:
            return None

    def _iso(self, value):
        return value.strftime("%Y-%m-%d %H:%M")

    def _from_iso(self, text):
        return datetime.datetime.fromisoformat(text)


class ClinicDateTimeField(forms.DateTimeField):
    """A date and time typed and shown in the clinic's time zone (not the server's or the
    admin user's); cleaned to an aware datetime, which the database keeps in UTC."""

    widget = ClinicDateTimeInput

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


class WholeNumberField(forms.IntegerField):
    """A count typed by staff (points, sessions): ASCII digits with an optional sign.
    Django's IntegerField takes any script's digits ("٣٠٠" as 300, full-width "７"),
    which a person would not mean and the screen would not show back the same."""

    def to_python(self, value):
        if isinstance(value, str) and value.strip():
            text = value.strip().replace("−", "-")  # the minus sign staff may type
            if not re.fullmatch(r"[+-]?[0-9]+", text):
                raise forms.ValidationError(self.error_messages["invalid"], code="invalid")
            value = text
        return super().to_python(value)
