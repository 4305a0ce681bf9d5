"""The import keys the booking app owns: ``services``, ``staff`` and ``bookings``.

Money is written as a decimal string in the clinic's currency ("45.00") and stored in
minor units. Times of time off and bookings are local to the clinic.
"""

import datetime
import decimal
import zoneinfo
from typing import Literal

from pydantic import field_validator

from booking_api.lifecycle import IMPORTABLE_STATUSES
from booking_api.models import (
    BLOCKING_STATUSES,
    Booking,
    BookingSource,
    BookingStatus,
    ServiceColour,
)
from booking_api.services.catalogue import (
    category_ensure,
    service_upsert,
    staff_schedule_replace,
    staff_time_off_replace,
    staff_upsert,
)
from branding.importing import ImportContext, ImportFileError, ImportSection, register_section
from branding.importing.types import Email, Key, LocatedWeekHours, Name, Strict
from branding.money import AmountError, to_minor


def _money(value) -> decimal.Decimal:
    try:
        amount = decimal.Decimal(str(value))
    except decimal.InvalidOperation as exc:
        raise ValueError(f'{value!r} is not an amount such as "45.00"') from exc
    if amount < 0 or not amount.is_finite():
        raise ValueError("amounts cannot be negative")
    return amount


class ServiceIn(Strict):
    key: Key
    name: str
    category: str = "Treatments"
    description: str = ""
    duration_minutes: int
    price: decimal.Decimal
    buffer_before_minutes: int = 0
    buffer_after_minutes: int = 0
    slot_step_minutes: int | None = None
    colour: ServiceColour | None = None  # the staff calendar's colour (a palette name)
    deposit: decimal.Decimal | None = None
    locations: list[Key] = []
    active: bool = True
    patch_test_months: int | None = None  # needs a passed patch test this recent
    is_patch_test: bool = False  # the clinic's patch-test service (one at most)
    rebooking_weeks: int | None = None  # due again this long after a visit (nudges)

    @field_validator("rebooking_weeks")
    @classmethod
    def _rebooking_weeks(cls, value):
        if value is not None and not 1 <= value <= 520:
            raise ValueError("between 1 and 520 weeks")
        return value

    @field_validator("patch_test_months")
    @classmethod
    def _patch_test_months(cls, value):
        if value is not None and not 1 <= value <= 120:
            raise ValueError("between 1 and 120 months")
        return value

    @field_validator("price", "deposit", mode="before")
    @classmethod
    def _amount(cls, value):
        return None if value is None else _money(value)

    @field_validator("duration_minutes")
    @classmethod
    def _duration(cls, value):
        if not 1 <= value <= 24 * 60:
            raise ValueError("a duration between 1 and 1440 minutes")
        return value

    @field_validator("buffer_before_minutes", "buffer_after_minutes", "slot_step_minutes")
    @classmethod
    def _minutes(cls, value):
        if value is not None and not 0 <= value <= 24 * 60:
            raise ValueError("minutes between 0 and 1440")
        return value


class TimeOffIn(Strict):
    start: datetime.datetime
    end: datetime.datetime
    reason: str = ""

    @field_validator("end")
    @classmethod
    def _after_start(cls, value, info):
        start = info.data.get("start")
        if start is not None and value <= start:
            raise ValueError("end before start")
        return value


class StaffIn(Strict):
    key: Key
    name: Name
    email: Email | None = None
    bio: str = ""
    services: list[Key] = []
    schedule: LocatedWeekHours = LocatedWeekHours()
    time_off: list[TimeOffIn] = []
    active: bool = True


class BookingIn(Strict):
    staff: Key
    service: Key
    client: Key
    start: datetime.datetime
    status: Literal[tuple(IMPORTABLE_STATUSES)] = "confirmed"  # type: ignore[valid-type]
    location: Key | None = None
    notes: str = ""


def _minor_units(amount, currency):
    try:
        return to_minor(amount, currency)
    except AmountError:
        raise ValueError(f"{amount} has more decimals than {currency} allows") from None


def _duplicates(items, path):
    seen = set()
    for i, item in enumerate(items):
        if item.key in seen:
            yield (f"{path}[{i}].key", f"{item.key!r} is used twice")
        seen.add(item.key)


def _location_keys(doc):
    return {"main"} | {loc.key for loc in (doc.get("locations") or [])}


def check_services(value, doc):
    yield from _duplicates(value, "services")
    currency = doc["clinic"].currency
    locations = _location_keys(doc)
    for i, service in enumerate(value):
        for field in ("price", "deposit"):
            amount = getattr(service, field)
            if amount is None:
                continue
            try:
                _minor_units(amount, currency)
            except ValueError as exc:
                yield (f"services[{i}].{field}", str(exc))
        if service.deposit is not None and service.deposit > service.price:
            yield (f"services[{i}].deposit", "the deposit is more than the price")
        for j, key in enumerate(service.locations):
            if key not in locations:
                yield (f"services[{i}].locations[{j}]", f"no location {key!r} in this file")
    flagged = [i for i, service in enumerate(value) if service.is_patch_test]
    for i in flagged[1:]:
        yield (f"services[{i}].is_patch_test", "only one service can be the patch test")


def apply_services(value, ctx: ImportContext):
    currency = ctx.clinic.currency
    # Unflagged services first, so a change of patch-test service never has two at once.
    for position, item in sorted(enumerate(value), key=lambda pair: pair[1].is_patch_test):
        category = category_ensure(clinic=ctx.clinic, name=item.category)
        service = service_upsert(
            clinic=ctx.clinic,
            key=item.key,
            name=item.name,
            category=category,
            description=item.description,
            duration_minutes=item.duration_minutes,
            price=_minor_units(item.price, currency),
            deposit=None if item.deposit is None else _minor_units(item.deposit, currency),
            buffer_before_minutes=item.buffer_before_minutes,
            buffer_after_minutes=item.buffer_after_minutes,
            slot_step_minutes=item.slot_step_minutes,
            colour=item.colour or "",
            active=item.active,
            patch_test_months=item.patch_test_months,
            is_patch_test=item.is_patch_test,
            rebooking_interval=(
                datetime.timedelta(weeks=item.rebooking_weeks) if item.rebooking_weeks else None
            ),
            position=position,
            locations=[ctx.refs["location"][k] for k in item.locations],
        )
        ctx.remember("service", item.key, service)
        ctx.count("services")


def check_staff(value, doc):
    yield from _duplicates(value, "staff")
    services = {s.key for s in (doc.get("services") or [])}
    locations = _location_keys(doc)
    for i, staff in enumerate(value):
        for j, key in enumerate(staff.services):
            if key not in services:
                yield (f"staff[{i}].services[{j}]", f"no service {key!r} in this file")
        for day, ranges in staff.schedule.model_dump().items():
            for k, (_, _, location) in enumerate(ranges):
                if location is not None and location not in locations:
                    yield (f"staff[{i}].schedule.{day}[{k}]", f"no location {location!r}")


def apply_staff(value, ctx: ImportContext):
    from people.services import split_name, user_get_or_create

    tz = zoneinfo.ZoneInfo(ctx.clinic.timezone)
    for item in value:
        user = None
        if item.email:
            first, last = split_name(item.name)
            user, _ = user_get_or_create(email=item.email, first_name=first, last_name=last)
        staff = staff_upsert(
            clinic=ctx.clinic,
            key=item.key,
            display_name=item.name,
            bio=item.bio,
            user=user,
            active=item.active,
            services=[ctx.refs["service"][k] for k in item.services],
        )
        staff_schedule_replace(
            staff=staff,
            schedule={
                weekday: [(s, e, ctx.refs["location"][loc or "main"]) for s, e, loc in ranges]
                for weekday, ranges in item.schedule.by_weekday().items()
            },
        )
        staff_time_off_replace(
            staff=staff,
            periods=[(_local(t.start, tz), _local(t.end, tz), t.reason) for t in item.time_off],
        )
        ctx.remember("staff", item.key, staff)
        ctx.count("staff")


def _local(value, tz):
    """A time written without an offset is the clinic's local time."""
    return value.replace(tzinfo=tz) if value.tzinfo is None else value


def check_bookings(value, doc):
    known = {
        "staff": {s.key for s in (doc.get("staff") or [])},
        "service": {s.key for s in (doc.get("services") or [])},
        "client": {c.key for c in (doc.get("clients") or [])},
    }
    for i, booking in enumerate(value):
        for field, keys in known.items():
            ref = getattr(booking, field)
            if ref not in keys:
                yield (f"bookings[{i}].{field}", f"no {field} {ref!r} in this file")


def apply_bookings(value, ctx: ImportContext):
    """Existing appointments from another system. They obey the no-overlap rule: a file
    whose bookings collide (with each other or with stored ones) is refused, naming both."""
    tz = zoneinfo.ZoneInfo(ctx.clinic.timezone)
    placed = []  # (staff_id, blocked_start, blocked_end, path)
    for i, item in enumerate(value):
        path = f"bookings[{i}]"
        service = ctx.refs["service"][item.service]
        staff = ctx.refs["staff"][item.staff]
        client = ctx.refs["client"][item.client]
        location = ctx.refs["location"][item.location or "main"]
        start = _local(item.start, tz)
        end = start + datetime.timedelta(minutes=service.duration_minutes)
        blocked_start = start - datetime.timedelta(minutes=service.buffer_before_minutes)
        blocked_end = end + datetime.timedelta(minutes=service.buffer_after_minutes)
        existing = Booking.objects.filter(
            clinic=ctx.clinic, staff=staff, service=service, client=client, start=start
        ).first()
        if item.status in BLOCKING_STATUSES:
            for staff_id, other_start, other_end, other_path in placed:
                if staff_id == staff.pk and other_start < blocked_end and blocked_start < other_end:
                    raise ImportFileError(
                        [(path, f"overlaps {other_path} for staff {item.staff!r}")]
                    )
            clash = Booking.objects.filter(
                staff=staff,
                status__in=BLOCKING_STATUSES,
                blocked_start__lt=blocked_end,
                blocked_end__gt=blocked_start,
            )
            if existing:
                clash = clash.exclude(pk=existing.pk)
            other = clash.first()
            if other:
                raise ImportFileError(
                    [
                        (
                            path,
                            f"overlaps the stored booking {other.pk} "
                            f"({other}) for staff {item.staff!r}",
                        )
                    ]
                )
            placed.append((staff.pk, blocked_start, blocked_end, path))
        if existing:
            if (existing.status, existing.client_notes) != (item.status, item.notes):
                existing.status, existing.client_notes = item.status, item.notes
                existing.save(update_fields=["status", "client_notes", "updated_at"])
            continue
        Booking.objects.create(
            clinic=ctx.clinic,
            client=client,
            service=service,
            staff=staff,
            location=location,
            start=start,
            end=end,
            blocked_start=blocked_start,
            blocked_end=blocked_end,
            status=BookingStatus(item.status),
            price=service.price,
            deposit=service.deposit or 0,
            currency=ctx.clinic.currency,
            client_notes=item.notes,
            source=BookingSource.IMPORT,
        )
        ctx.count("bookings")


def register():
    register_section(
        ImportSection(
            key="services",
            schema=list[ServiceIn],
            apply=apply_services,
            check=check_services,
            order=20,
        )
    )
    register_section(
        ImportSection(
            key="staff", schema=list[StaffIn], apply=apply_staff, check=check_staff, order=30
        )
    )
    register_section(
        ImportSection(
            key="bookings",
            schema=list[BookingIn],
            apply=apply_bookings,
            check=check_bookings,
            order=60,
        )
    )
