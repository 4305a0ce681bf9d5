"""The period a report covers, on the clinic's wall clock.

A period is whole local days, ``first``..``last`` inclusive; its moments run from the
clinic's midnight at the start of ``first`` to its midnight after ``last`` (so a day of a
DST change is 23 or 25 hours long, never cut at UTC midnight). The previous period is as
many days, ending the day before ``first``.
"""

import datetime
import zoneinfo
from dataclasses import dataclass

from django.utils import timezone

DEFAULT_DAYS = 28
MAX_DAYS = 731  # two years: enough for a year on year look, bounded for the database


def local_midnight(day: datetime.date, tz: zoneinfo.ZoneInfo) -> datetime.datetime:
    """The moment the clinic's day ``day`` starts, as an aware UTC datetime."""
    return datetime.datetime.combine(day, datetime.time.min, tzinfo=tz).astimezone(datetime.UTC)


@dataclass(frozen=True)
class Period:
    first: datetime.date
    last: datetime.date
    tz: zoneinfo.ZoneInfo

    @property
    def days(self) -> int:
        return (self.last - self.first).days + 1

    @property
    def start(self) -> datetime.datetime:
        return local_midnight(self.first, self.tz)

    @property
    def end(self) -> datetime.datetime:
        """Exclusive: the clinic's midnight after ``last``."""
        return local_midnight(self.last + datetime.timedelta(days=1), self.tz)

    @property
    def previous(self) -> "Period":
        last = self.first - datetime.timedelta(days=1)
        return Period(last - datetime.timedelta(days=self.days - 1), last, self.tz)

    def dates(self):
        return [self.first + datetime.timedelta(days=n) for n in range(self.days)]

    def contains(self, day: datetime.date) -> bool:
        return self.first <= day <= self.last


def default_period(clinic, *, today=None) -> Period:
    """The last four weeks, today included, in the clinic's time zone."""
    tz = zoneinfo.ZoneInfo(clinic.timezone)
    today = today or timezone.now().astimezone(tz).date()
    return Period(today - datetime.timedelta(days=DEFAULT_DAYS - 1), today, tz)


def week_start(day: datetime.date) -> datetime.date:
    """The Monday of ``day``'s week (ISO weeks, as the database's week truncation)."""
    return day - datetime.timedelta(days=day.weekday())
