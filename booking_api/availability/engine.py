"""The availability engine: the one function that says which slots are free.

The slot listing and the booking check both call ``find_slots``, so an offered slot is
always bookable and a taken one is never offered.

Rules (see docs/architecture.md):
- schedules and opening hours are local wall clock in the clinic's time zone, turned
  into UTC per date, so a 09:00–17:00 day is 09:00–17:00 local on both sides of a DST
  change (a wall time in a skipped hour maps forward; a repeated hour takes its first
  occurrence);
- the appointment lies inside working time and opening hours, outside time off and
  closures; its blocked interval (with buffers) overlaps no other active booking's;
- candidate starts lie on a grid of the slot step anchored at the start of the working
  range, so bookings never shift it onto odd times (11:55, 12:10…);
- no start before now + minimum notice, none after now + the booking horizon.

It loads everything in a constant number of queries (one each for working hours, time
off, bookings, opening hours, closures, service locations, and the policy), then works on
integer seconds.
"""

import bisect
import datetime
import zoneinfo
from collections import defaultdict
from dataclasses import dataclass
from itertools import islice

from django.db import connections
from django.utils import timezone

from booking_api.availability.epoch import EpochSeconds
from booking_api.availability.external import busy_intervals
from booking_api.availability.horizon import booking_horizon_days
from booking_api.availability.intervals import intersect, normalise, starts_in, subtract
from booking_api.models import BLOCKING_STATUSES, Booking, TimeOff, WorkingHours
from branding.models import Closure, OpeningHours
from branding.selectors import clinic_policy
from branding.validators import within_calendar

UTC = datetime.UTC


@dataclass(frozen=True)
class Slot:
    start: datetime.datetime  # aware, in the clinic's time zone
    end: datetime.datetime
    location_id: int
    staff_ids: tuple[int, ...]


class _LocalClock:
    """Turns (local date, local wall time) into UTC epoch seconds, memoised."""

    def __init__(self, tz):
        self.tz = tz
        self._cache = {}

    def __call__(self, day, wall):
        key = (day, wall)
        value = self._cache.get(key)
        if value is None:
            local = datetime.datetime.combine(day, wall, tzinfo=self.tz)
            value = int(local.timestamp())
            self._cache[key] = value
        return value

    def end_of(self, day, wall):
        # An end of 00:00 means midnight at the end of the day.
        if wall == datetime.time(0):
            return self(day + datetime.timedelta(days=1), wall)
        return self(day, wall)


def _plain_rows(queryset):
    """Run the ORM's SQL and return the rows as the driver gives them: integers here,
    so Django's per-value converters (thousands of calls) are not needed."""
    sql, params = queryset.query.sql_with_params()
    with connections[queryset.db].cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def _dates(date_from, date_to):
    day = date_from
    while day <= date_to:
        yield day
        day += datetime.timedelta(days=1)


def find_slots(
    *,
    clinic,
    service,
    date_from,
    date_to,
    staff_ids=None,
    location_id=None,
    now=None,
    ignore_booking_id=None,
    apply_policy=True,
    ignore_bookings=False,
    client=None,
) -> list[Slot]:
    """Free slots for ``service`` between two local dates (inclusive).

    ``staff_ids``: the staff to consider (None: every active staff member who performs
    the service — "any available"). ``ignore_booking_id``: a booking whose own time
    counts as free (for rescheduling it). ``apply_policy``: staff booking on a client's
    behalf may ignore minimum notice and horizon, never collisions. ``ignore_bookings``:
    the schedule alone, to tell a taken slot (409) from one never offered (400): the
    grid does not depend on bookings, so a start offered on the schedule alone and not
    now has been taken. ``client``: who is booking, when known: their horizon may be
    longer than the clinic's (``availability.horizon``: a member-only booking window).
    """
    if not (within_calendar(date_from) and within_calendar(date_to)):
        return []  # no slots at the calendar's edges, where the window would overflow
    tz = zoneinfo.ZoneInfo(clinic.timezone)
    clock = _LocalClock(tz)
    now = now or timezone.now()
    window_start = clock(date_from, datetime.time(0))
    window_end = clock(date_to + datetime.timedelta(days=1), datetime.time(0))

    hours = WorkingHours.objects.filter(
        staff__clinic=clinic, staff__active=True, staff__services=service
    )
    if staff_ids is not None:
        hours = hours.filter(staff_id__in=staff_ids)
    if location_id is not None:
        hours = hours.filter(location_id=location_id)
    service_locations = set(service.locations.values_list("id", flat=True))
    if service_locations:
        hours = hours.filter(location_id__in=service_locations)
    hours = list(hours.values_list("staff_id", "weekday", "start", "end", "location_id"))
    if not hours:
        return []
    staff_in_play = sorted({row[0] for row in hours})
    locations_in_play = {row[4] for row in hours}
    window = (
        datetime.datetime.fromtimestamp(window_start, UTC),
        datetime.datetime.fromtimestamp(window_end, UTC),
    )

    opening = defaultdict(lambda: defaultdict(list))  # location → weekday → [(start, end)]
    configured = set()
    for loc, weekday, start, end in OpeningHours.objects.filter(
        location_id__in=locations_in_play
    ).values_list("location_id", "weekday", "start", "end"):
        opening[loc][weekday].append((start, end))
        configured.add(loc)
    closed = set(
        Closure.objects.filter(
            location_id__in=locations_in_play, date__gte=date_from, date__lte=date_to
        ).values_list("location_id", "date")
    )
    time_off = defaultdict(list)
    for staff_id, start, end in (
        TimeOff.objects.filter(staff_id__in=staff_in_play, start__lt=window[1], end__gt=window[0])
        .order_by()
        .values_list("staff_id", EpochSeconds("start"), EpochSeconds("end"))
    ):
        time_off[staff_id].append((start, end))
    duration = service.duration_minutes * 60
    before = service.buffer_before_minutes * 60
    after = service.buffer_after_minutes * 60
    # An appointment [s, s+duration) blocks [s-before, s+duration+after); that must miss
    # each booking's blocked [bs, be), i.e. the appointment must miss [bs-after, be+before).
    busy = defaultdict(list)
    bookings = Booking.objects.filter(
        staff_id__in=staff_in_play,
        status__in=BLOCKING_STATUSES,
        blocked_start__lt=window[1] + datetime.timedelta(seconds=after + duration),
        blocked_end__gt=window[0] - datetime.timedelta(seconds=before + duration),
    )
    if ignore_booking_id is not None:
        bookings = bookings.exclude(pk=ignore_booking_id)
    rows = (
        []
        if ignore_bookings
        else _plain_rows(
            bookings.order_by().values_list(
                "staff_id", EpochSeconds("blocked_start"), EpochSeconds("blocked_end")
            )
        )
    )
    for staff_id, start, end in rows:
        busy[staff_id].append((start - after, end + before))
    if not ignore_bookings:
        # Time another system holds (a practice system's own appointments) blocks like
        # a booking.
        lo = window[0] - datetime.timedelta(seconds=before + duration)
        hi = window[1] + datetime.timedelta(seconds=after + duration)
        for staff_id, start, end in busy_intervals(
            clinic=clinic, staff_ids=staff_in_play, start=lo, end=hi
        ):
            busy[staff_id].append((int(start.timestamp()) - after, int(end.timestamp()) + before))

    if apply_policy:
        policy = clinic_policy(clinic)
        earliest = int(now.timestamp()) + policy.min_notice_minutes * 60
        days = booking_horizon_days(
            clinic=clinic, client=client, policy_days=policy.max_advance_days
        )
        latest = int(now.timestamp()) + days * 86400
    else:
        earliest, latest = int(now.timestamp()), window_end
    step = service.step_minutes * 60

    # staff → weekday → location → [(start, end)] in local time, sorted once.
    schedule = defaultdict(lambda: defaultdict(lambda: defaultdict(list)))
    for staff_id, weekday, start, end, loc in sorted(hours, key=lambda row: row[2]):
        schedule[staff_id][weekday][loc].append((start, end))

    opening_ranges = {}  # (location, day) → UTC ranges the location is open

    def open_on(loc, day):
        key = (loc, day)
        if key not in opening_ranges:
            opening_ranges[key] = normalise(
                (clock(day, s), clock.end_of(day, e))
                for s, e in opening[loc].get(day.weekday(), ())
            )
        return opening_ranges[key]

    days = list(_dates(date_from, date_to))
    found = defaultdict(list)  # (start, location) → [staff ids]
    for staff_id in staff_in_play:
        blocked = normalise(time_off[staff_id] + busy[staff_id])
        blocked_ends = [end for _, end in blocked]
        by_weekday = schedule[staff_id]
        for day in days:
            for loc, ranges in by_weekday.get(day.weekday(), {}).items():
                if (loc, day) in closed:
                    continue
                work = normalise([(clock(day, s), clock.end_of(day, e)) for s, e in ranges])
                if loc in configured:
                    work = intersect(work, open_on(loc, day))
                if not work:
                    continue
                # Only the blocked intervals that can touch this day's work matter.
                first = bisect.bisect_right(blocked_ends, work[0][0])
                free = subtract(work, islice(blocked, first, None), stop=work[-1][1])
                for start in starts_in(free, duration, step, earliest, latest, work):
                    found[(start, loc)].append(staff_id)

    return [
        Slot(
            start=datetime.datetime.fromtimestamp(start, tz),
            end=datetime.datetime.fromtimestamp(start + duration, tz),
            location_id=loc,
            staff_ids=tuple(staff),
        )
        for (start, loc), staff in sorted(found.items())
    ]
