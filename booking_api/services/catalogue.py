"""Writes to the catalogue and the staff rota (used by the importer and the admin)."""

from django.core.exceptions import ValidationError
from django.db import transaction

from booking_api.errors import BookingErrorCode
from booking_api.models import Service, ServiceCategory, StaffMember, TimeOff, WorkingHours
from booking_api.services.errors import BookingError


def _full_clean(instance, exclude=()):
    try:
        instance.full_clean(exclude=list(exclude))
    except ValidationError as exc:
        field, messages = next(iter(exc.message_dict.items()))
        raise BookingError(
            messages[0],
            field=None if field == "__all__" else field,
            code=BookingErrorCode.CATALOGUE_INVALID,
        ) from exc


@transaction.atomic
def category_ensure(*, clinic, name) -> ServiceCategory:
    category, _ = ServiceCategory.objects.get_or_create(clinic=clinic, name=name)
    return category


def _upsert(model, *, clinic, key, fields, exclude):
    """Create or update the clinic's row with this key; saved only if something changed."""
    obj = model.objects.filter(clinic=clinic, key=key).first() or model(clinic=clinic, key=key)
    changed = obj.pk is None
    for name, value in fields.items():
        if getattr(obj, name) != value:
            setattr(obj, name, value)
            changed = True
    if changed:
        _full_clean(obj, exclude=["clinic", *exclude])
        obj.save()
    return obj


@transaction.atomic
def service_upsert(*, clinic, key, locations=None, **fields) -> Service:
    service = _upsert(Service, clinic=clinic, key=key, fields=fields, exclude=["image"])
    if locations is not None:
        service.locations.set(locations)
    return service


@transaction.atomic
def staff_upsert(*, clinic, key, services=None, **fields) -> StaffMember:
    staff = _upsert(StaffMember, clinic=clinic, key=key, fields=fields, exclude=["photo", "user"])
    if services is not None:
        staff.services.set(services)
    return staff


@transaction.atomic
def staff_schedule_replace(*, staff, schedule) -> None:
    """``schedule``: weekday → [(start, end, location)]. Rows change only if they differ."""
    wanted = {(day, s, e, loc.pk) for day, ranges in schedule.items() for s, e, loc in ranges}
    current = {(w.weekday, w.start, w.end, w.location_id): w.pk for w in staff.working_hours.all()}
    WorkingHours.objects.filter(
        pk__in=[pk for key, pk in current.items() if key not in wanted]
    ).delete()
    WorkingHours.objects.bulk_create(
        WorkingHours(staff=staff, weekday=d, start=s, end=e, location_id=loc)
        for d, s, e, loc in sorted(wanted)
        if (d, s, e, loc) not in current
    )


@transaction.atomic
def staff_time_off_replace(*, staff, periods) -> None:
    """``periods``: [(start, end, reason)] as aware datetimes."""
    wanted = {(s, e): reason for s, e, reason in periods}
    current = {(t.start, t.end): t for t in staff.time_off.all()}
    TimeOff.objects.filter(
        pk__in=[t.pk for key, t in current.items() if key not in wanted]
    ).delete()
    for (start, end), reason in wanted.items():
        existing = current.get((start, end))
        if existing is None:
            TimeOff.objects.create(staff=staff, start=start, end=end, reason=reason)
        elif existing.reason != reason:
            existing.reason = reason
            existing.save(update_fields=["reason"])
