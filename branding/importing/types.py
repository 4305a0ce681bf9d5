"""Pydantic types for the import file that several sections share."""

import datetime
from typing import Annotated

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    StringConstraints,
    model_validator,
)

from branding.money import CURRENCIES
from branding.validators import HEX_COLOUR, name_is_clean, validate_timezone

DAY_KEYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")

Key = Annotated[str, StringConstraints(pattern=r"^[a-z0-9][a-z0-9_-]*$", max_length=60)]


def _timezone(value: str) -> str:
    try:
        validate_timezone(value)
    except Exception as exc:
        raise ValueError(f"{value!r} is not an IANA time zone (e.g. Europe/London)") from exc
    return value


def _currency(value: str) -> str:
    if value not in CURRENCIES:
        raise ValueError(f"{value!r} is not a supported ISO 4217 currency code")
    return value


def _colour(value: str) -> str:
    if not HEX_COLOUR.match(value):
        raise ValueError(f"{value!r} is not a colour in the form #rrggbb")
    return value.lower()


def _name(value: str) -> str:
    if not name_is_clean(value):
        raise ValueError(f"{value!r}: names cannot contain <, > or control characters")
    return value


TimeZoneName = Annotated[str, AfterValidator(_timezone)]
# A person's or a pet's name (branding.validators' rule, as every other door applies it).
Name = Annotated[str, AfterValidator(_name)]
CurrencyCode = Annotated[str, AfterValidator(_currency)]
HexColour = Annotated[str, AfterValidator(_colour)]


class Strict(BaseModel):
    """Unknown keys are errors, so a typo never passes silently."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


def _check_range(start, end):
    if end <= start:
        raise ValueError("end before start")


def parse_time_range(value, *, allow_location=False):
    """["09:00", "17:00"] (and, for staff, an optional third item naming a location)."""
    if not isinstance(value, list | tuple) or len(value) not in (
        (2, 3) if allow_location else (2,)
    ):
        shape = '["09:00", "17:00"(, location)]' if allow_location else '["09:00", "17:00"]'
        raise ValueError(f"a range is written {shape}")
    if not all(isinstance(v, str | datetime.time) for v in value[:2]):
        # YAML reads an unquoted 17:00 as the number 1020 (base 60); never guess.
        raise ValueError('times are written in quotes, e.g. ["09:00", "17:00"]')
    try:
        start, end = (datetime.time.fromisoformat(str(v)) for v in value[:2])
    except ValueError as exc:
        raise ValueError(f"times are written HH:MM ({exc})") from exc
    _check_range(start, end)
    location = str(value[2]) if len(value) == 3 else None
    return (start, end, location) if allow_location else (start, end)


TimeRange = Annotated[tuple[datetime.time, datetime.time], BeforeValidator(parse_time_range)]
LocatedTimeRange = Annotated[
    tuple[datetime.time, datetime.time, str | None],
    BeforeValidator(lambda v: parse_time_range(v, allow_location=True)),
]


class _Week(Strict):
    @model_validator(mode="after")
    def _no_overlaps(self):
        problems = []
        for day in DAY_KEYS:
            ranges = sorted(getattr(self, day), key=lambda r: r[0])
            for prev, cur in zip(ranges, ranges[1:], strict=False):
                if cur[0] < prev[1]:
                    problems.append(
                        f"{day}: {prev[0]:%H:%M}–{prev[1]:%H:%M} and "
                        f"{cur[0]:%H:%M}–{cur[1]:%H:%M} overlap"
                    )
        if problems:
            raise ValueError("; ".join(problems))
        return self

    def by_weekday(self):
        """{0: [(start, end[, location]), ...], ...} with Monday as 0."""
        return {i: list(getattr(self, day)) for i, day in enumerate(DAY_KEYS)}


class WeekHours(_Week):
    """Opening ranges of local wall-clock time per weekday; a day may have several."""

    mon: list[TimeRange] = []
    tue: list[TimeRange] = []
    wed: list[TimeRange] = []
    thu: list[TimeRange] = []
    fri: list[TimeRange] = []
    sat: list[TimeRange] = []
    sun: list[TimeRange] = []


class LocatedWeekHours(_Week):
    """Working ranges per weekday, each optionally naming the location (a staff rota)."""

    mon: list[LocatedTimeRange] = []
    tue: list[LocatedTimeRange] = []
    wed: list[LocatedTimeRange] = []
    thu: list[LocatedTimeRange] = []
    fri: list[LocatedTimeRange] = []
    sat: list[LocatedTimeRange] = []
    sun: list[LocatedTimeRange] = []


def _email(value: str) -> str:
    from django.core.exceptions import ValidationError
    from django.core.validators import validate_email

    value = (value or "").strip().lower()
    try:
        validate_email(value)
    except ValidationError as exc:
        raise ValueError(f"{value or 'an empty value'!r} is not an email address") from exc
    return value


Email = Annotated[str, AfterValidator(_email)]
