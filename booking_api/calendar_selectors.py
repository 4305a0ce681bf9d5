"""Reads for the staff calendar: one or seven local days of bookings, time off,
working hours and closures, for all the clinic's staff or one. A fixed number of
queries however many bookings there are (asserted in tests/booking/test_admin_calendar.py).

Times are stored in UTC and laid out here in the clinic's time zone: each event carries
its minutes from the top of the grid, so templates only place boxes."""

import datetime
import zoneinfo
from dataclasses import dataclass, field

from django.db.models import Count, Max, Q

from booking_api import lifecycle
from booking_api.lifecycle import CANCELLED_STATUSES
from booking_api.models import (
    Booking,
    StaffMember,
    TimeOff,
    WorkingHours,
)
from branding.models import Closure, Location
from people.selectors import client_ids_with_notes

GRID_START_HOUR = 7  # the grid covers at least 07:00–20:00, widened for earlier/later work
GRID_END_HOUR = 20
HIDDEN_STATUSES = CANCELLED_STATUSES


@dataclass
class CalendarEvent:
    kind: str  # "booking" or "time_off"
    start: datetime.datetime  # local
    end: datetime.datetime
    top: int  # minutes from the grid's first hour
    height: int
    booking: Booking | None = None
    label: str = ""


@dataclass
class CalendarColumn:
    day: datetime.date
    staff: StaffMember
    working: list[tuple[int, int]] = field(default_factory=list)  # (top, height) minutes
    events: list[CalendarEvent] = field(default_factory=list)


@dataclass
class CalendarDay:
    day: datetime.date
    closed: str | None  # the closure's reason ("" if none given), None when open
    columns: list[CalendarColumn]


@dataclass
class Calendar:
    days: list[CalendarDay]
    staff: list[StaffMember]
    first_hour: int
    last_hour: int
    tz: zoneinfo.ZoneInfo

    @property
    def hours(self):
        return list(range(self.first_hour, self.last_hour))

    @property
    def height(self):
        return (self.last_hour - self.first_hour) * 60


def calendar_staff(clinic, *, staff_ids=None):
    """The clinic's active staff (or those of ``staff_ids``, active or not), by name."""
    qs = StaffMember.objects.filter(clinic=clinic)
    if staff_ids is not None:
        return list(qs.filter(pk__in=staff_ids))
    return list(qs.filter(active=True))


def staff_for_user(clinic, user):
    """The staff profiles ``user`` signs in as at this clinic (a therapist's own)."""
    return list(StaffMember.objects.filter(clinic=clinic, user=user).values_list("pk", flat=True))


def _minutes(moment, day_start, first_hour):
    return int((moment - day_start).total_seconds() // 60) - first_hour * 60


def calendar_for(clinic, *, first_day: datetime.date, days: int = 1, staff_ids=None):
    """The calendar of ``days`` local days from ``first_day`` for the clinic's staff (or
    those of ``staff_ids``). Six queries: staff, working hours, bookings (with client,
    service and location), time off, closures, and which clients have internal notes (for
    the notes icon beside their names; skipped when there are no bookings)."""
    tz = zoneinfo.ZoneInfo(clinic.timezone)
    staff = calendar_staff(clinic, staff_ids=staff_ids)
    ids = [member.pk for member in staff]
    day_list = [first_day + datetime.timedelta(days=n) for n in range(days)]
    starts = {day: datetime.datetime.combine(day, datetime.time(), tzinfo=tz) for day in day_list}
    range_start = starts[day_list[0]]
    range_end = datetime.datetime.combine(
        day_list[-1] + datetime.timedelta(days=1), datetime.time(), tzinfo=tz
    )

    hours = list(WorkingHours.objects.filter(staff_id__in=ids))
    bookings = list(
        Booking.objects.filter(
            clinic=clinic, staff_id__in=ids, start__lt=range_end, end__gt=range_start
        )
        .exclude(status__in=HIDDEN_STATUSES)
        .select_related("client__user", "service", "pet")
        .order_by("start")
    )
    with_notes = client_ids_with_notes(clinic, {booking.client_id for booking in bookings})
    for booking in bookings:
        booking.client_has_notes = booking.client_id in with_notes
    time_off = list(
        TimeOff.objects.filter(staff_id__in=ids, start__lt=range_end, end__gt=range_start)
    )
    closures = {
        closure.date: closure.reason
        for closure in Closure.objects.filter(
            location__clinic=clinic, date__in=day_list, location__is_main=True
        )
    }

    first_hour, last_hour = GRID_START_HOUR, GRID_END_HOUR
    for row in hours:
        first_hour = min(first_hour, row.start.hour)
        last_hour = max(last_hour, row.end.hour + (1 if row.end.minute else 0))
    for booking in bookings:
        local_start, local_end = booking.start.astimezone(tz), booking.end.astimezone(tz)
        first_hour = min(first_hour, local_start.hour)
        if local_end.date() == local_start.date():
            last_hour = max(last_hour, local_end.hour + (1 if local_end.minute else 0))
        else:
            last_hour = 24

    columns = {
        (day, member.pk): CalendarColumn(day=day, staff=member)
        for day in day_list
        for member in staff
    }
    for row in hours:
        for day in day_list:
            if day.weekday() == row.weekday and (day, row.staff_id) in columns:
                top = (row.start.hour - first_hour) * 60 + row.start.minute
                end = (row.end.hour - first_hour) * 60 + row.end.minute
                columns[(day, row.staff_id)].working.append((top, end - top))
    grid_minutes = (last_hour - first_hour) * 60

    def place(kind, start, end, staff_id, **extra):
        for day in day_list:
            key = (day, staff_id)
            day_start, day_end = starts[day], starts[day] + datetime.timedelta(days=1)
            if key not in columns or start >= day_end or end <= day_start:
                continue
            top = max(0, _minutes(max(start, day_start), day_start, first_hour))
            bottom = min(grid_minutes, _minutes(min(end, day_end), day_start, first_hour))
            if bottom <= top:
                continue
            columns[key].events.append(
                CalendarEvent(
                    kind=kind,
                    start=start.astimezone(tz),
                    end=end.astimezone(tz),
                    top=top,
                    height=bottom - top,
                    **extra,
                )
            )

    for booking in bookings:
        place("booking", booking.start, booking.end, booking.staff_id, booking=booking)
    for period in time_off:
        place("time_off", period.start, period.end, period.staff_id, label=period.reason)

    return Calendar(
        days=[
            CalendarDay(
                day=day,
                closed=closures.get(day),
                columns=[columns[(day, member.pk)] for member in staff],
            )
            for day in day_list
        ],
        staff=staff,
        first_hour=first_hour,
        last_hour=last_hour,
        tz=tz,
    )


def calendar_bookings(clinic, *, staff_ids=None):
    """Bookings the viewer may open: the clinic's, or only those of ``staff_ids`` (a
    therapist's own). Anything else is simply not found."""
    qs = Booking.objects.filter(clinic=clinic).select_related(
        "client__user", "service", "staff", "location", "clinic", "pet"
    )
    if staff_ids is not None:
        qs = qs.filter(staff_id__in=staff_ids)
    return qs


def client_history(clinic, client, *, exclude_booking_id=None, limit=10):
    """The client's other bookings at the clinic, newest first, with service and staff."""
    return list(
        Booking.objects.filter(clinic=clinic, client=client)
        .exclude(pk=exclude_booking_id)
        .select_related("service", "staff")
        .order_by("-start")[:limit]
    )


def local_day_bounds(clinic, day):
    """UTC bounds of the clinic-local ``day``."""
    tz = zoneinfo.ZoneInfo(clinic.timezone)
    start = datetime.datetime.combine(day, datetime.time.min, tzinfo=tz)
    return start, datetime.datetime.combine(
        day + datetime.timedelta(days=1), datetime.time.min, tzinfo=tz
    )


def client_bookings_today(clinic, client, *, now, staff_ids=None):
    """The client's bookings on the clinic-local day of ``now`` (cancelled ones left out),
    soonest first; only ``staff_ids``' for a therapist."""
    day = now.astimezone(zoneinfo.ZoneInfo(clinic.timezone)).date()
    start, end = local_day_bounds(clinic, day)
    return list(
        calendar_bookings(clinic, staff_ids=staff_ids)
        .filter(client=client, start__gte=start, start__lt=end)
        .exclude(status__in=CANCELLED_STATUSES)
        .order_by("start")
    )


def check_in_due(bookings, now):
    """Of ``bookings``, those a scan at the desk checks in now: from an hour before the
    start until the end, in a status that may become arrived."""
    return [
        b
        for b in bookings
        if b.status in lifecycle.CHECK_IN_FROM_STATUSES
        and b.start - lifecycle.CHECK_IN_EARLY <= now <= b.end
    ]


def day_bookings(clinic, day, *, staff_ids=None):
    """The clinic-local ``day``'s bookings that are not given up, soonest first, with
    client, service, staff, location and pet (the desk's Today list). One query."""
    start, end = local_day_bounds(clinic, day)
    qs = (
        Booking.objects.filter(clinic=clinic, start__gte=start, start__lt=end)
        .exclude(status__in=CANCELLED_STATUSES)
        .select_related("client__user", "service", "staff", "location", "pet", "clinic")
        .order_by("start", "pk")
    )
    if staff_ids is not None:
        qs = qs.filter(staff_id__in=staff_ids)
    return list(qs)


@dataclass
class WaitlistCounts:
    waiting: int  # not yet told of a slot, for dates from today
    offered: int  # told of a freed slot in the last day


def waitlist_counts(clinic, *, today, now) -> WaitlistCounts:
    """The clinic's waitlist for the desk. One query."""
    from django.db.models import Count, Q

    from booking_api.models import WaitlistEntry

    counts = WaitlistEntry.objects.filter(client__clinic=clinic, date_to__gte=today).aggregate(
        waiting=Count("pk", filter=Q(notified_at__isnull=True)),
        offered=Count("pk", filter=Q(notified_at__gte=now - datetime.timedelta(days=1))),
    )
    return WaitlistCounts(waiting=counts["waiting"], offered=counts["offered"])


def calendar_version(clinic, *, first_day: datetime.date, days: int = 1, staff_ids=None) -> str:
    """A cheap token that changes when a booking in the shown range (of the clinic, or of
    ``staff_ids``) is made, moved or cancelled: the count of bookings in range and their
    latest ``updated_at`` (cancelled ones included, so a cancellation still changes it).
    One query; the calendar's script polls it and reloads its grid when it changes."""
    tz = zoneinfo.ZoneInfo(clinic.timezone)
    range_start = datetime.datetime.combine(first_day, datetime.time(), tzinfo=tz)
    range_end = range_start + datetime.timedelta(days=days)
    qs = Booking.objects.filter(clinic=clinic, start__lt=range_end, end__gt=range_start)
    if staff_ids is not None:
        qs = qs.filter(staff_id__in=staff_ids)
    found = qs.aggregate(
        count=Count("pk"),
        visible=Count("pk", filter=~Q(status__in=HIDDEN_STATUSES)),
        latest=Max("updated_at"),
    )
    latest = found["latest"].isoformat() if found["latest"] else "-"
    return f"{found['count']}.{found['visible']}.{latest}"


@dataclass
class MonthDay:
    day: datetime.date
    in_month: bool
    count: int = 0
    first: list[Booking] = field(default_factory=list)  # the first few, soonest first

    @property
    def more(self):
        return self.count - len(self.first)


MONTH_DAY_SHOWN = 3  # bookings listed in a month cell; the rest is "+ N more"


def month_grid_bounds(month: datetime.date, first_weekday: int):
    """The first and last day of the month grid: whole weeks starting on ``first_weekday``
    (0 Monday … 6 Sunday, the locale's) around the month of ``month``."""
    first = month.replace(day=1)
    start = first - datetime.timedelta(days=(first.weekday() - first_weekday) % 7)
    next_month = (first + datetime.timedelta(days=32)).replace(day=1)
    last = next_month - datetime.timedelta(days=1)
    end = last + datetime.timedelta(days=(first_weekday - 1 - last.weekday()) % 7)
    return start, end


def calendar_month(
    clinic, *, month: datetime.date, first_weekday: int = 0, staff_ids=None, location_id=None
) -> list[list[MonthDay]]:
    """The month of ``month`` as weeks of days (the grid's leading and trailing days
    included, ``in_month`` False), each with its count of bookings that are not given up
    and the first ``MONTH_DAY_SHOWN`` of them (time and client), by the clinic's local
    date; all staff or ``staff_ids``, all locations or ``location_id``. One query."""
    tz = zoneinfo.ZoneInfo(clinic.timezone)
    first, last = month_grid_bounds(month, first_weekday)
    range_start = datetime.datetime.combine(first, datetime.time(), tzinfo=tz)
    range_end = datetime.datetime.combine(
        last + datetime.timedelta(days=1), datetime.time(), tzinfo=tz
    )
    qs = (
        Booking.objects.filter(clinic=clinic, start__gte=range_start, start__lt=range_end)
        .exclude(status__in=HIDDEN_STATUSES)
        .select_related("client__user", "pet")
        .order_by("start", "pk")
    )
    if staff_ids is not None:
        qs = qs.filter(staff_id__in=staff_ids)
    if location_id is not None:
        qs = qs.filter(location_id=location_id)
    days = {
        first + datetime.timedelta(days=n): MonthDay(
            day=first + datetime.timedelta(days=n),
            in_month=(first + datetime.timedelta(days=n)).month == month.month,
        )
        for n in range((last - first).days + 1)
    }
    for booking in qs:
        cell = days[booking.start.astimezone(tz).date()]
        cell.count += 1
        if len(cell.first) < MONTH_DAY_SHOWN:
            booking.local_start = booking.start.astimezone(tz)
            cell.first.append(booking)
    ordered = list(days.values())
    return [ordered[i : i + 7] for i in range(0, len(ordered), 7)]


def calendar_locations(clinic):
    """The clinic's locations, main first (the month view's filter). One query."""
    return list(Location.objects.filter(clinic=clinic))
