"""The waitlist: a client waits for a service (optionally with one staff member) within a
date range. When a booking frees a slot, the earliest waiting client for whom a slot is
really free that day is told, once; the next freed slot goes to the next in line."""

import datetime
import zoneinfo

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext

from booking_api.availability import find_slots
from booking_api.errors import BookingErrorCode
from booking_api.models import Booking, BookingEvent, WaitlistEntry
from booking_api.services.errors import BookingError
from branding.errors import ConflictError

MAX_RANGE_DAYS = 62  # the most days (inclusive) one waitlist entry may cover
OFFER_EVENT = "waitlist_offered"


class WaitlistError(BookingError):
    """A waitlist request broke a rule."""


def clinic_today(clinic, now=None) -> datetime.date:
    return timezone.localdate(now or timezone.now(), zoneinfo.ZoneInfo(clinic.timezone))


def _check_service_and_staff(clinic, service, staff):
    if service is None or service.clinic_id != clinic.pk or not service.active:
        raise WaitlistError(
            gettext("That service is not offered here."),
            field="service",
            code=BookingErrorCode.SERVICE_UNAVAILABLE,
        )
    if staff is not None:
        if staff.clinic_id != clinic.pk or not staff.active:
            raise WaitlistError(
                gettext("That staff member is not available here."),
                field="staff",
                code=BookingErrorCode.STAFF_UNAVAILABLE,
            )
        if not staff.services.filter(pk=service.pk).exists():
            raise WaitlistError(
                gettext("%(staff)s does not perform %(service)s.")
                % {"staff": staff, "service": service},
                field="staff",
                code=BookingErrorCode.STAFF_UNAVAILABLE,
            )


def _check_dates(date_from, date_to, today):
    if date_from < today:
        raise WaitlistError(
            gettext("The waitlist starts today at the earliest."),
            field="date_from",
            code=BookingErrorCode.DATE_INVALID,
        )
    if date_to < date_from:
        raise WaitlistError(
            gettext("The end date must not be before the start date."),
            field="date_to",
            code=BookingErrorCode.DATE_INVALID,
        )
    if (date_to - date_from).days + 1 > MAX_RANGE_DAYS:
        raise WaitlistError(
            gettext("A waitlist entry may cover at most %(n)s days.") % {"n": MAX_RANGE_DAYS},
            field="date_to",
            code=BookingErrorCode.DATE_INVALID,
        )


@transaction.atomic
def waitlist_join(
    *, clinic, client, service, staff=None, date_from=None, date_to=None, now=None
) -> WaitlistEntry:
    """Put the client on the waitlist for ``service`` (with ``staff``, else anyone)
    between two local dates, inclusive. Without dates: from today for the longest range
    allowed."""
    if client.clinic_id != clinic.pk:
        raise WaitlistError(
            gettext("That client does not belong to this clinic."),
            field="client",
            code=BookingErrorCode.OTHER_CLINIC,
        )
    _check_service_and_staff(clinic, service, staff)
    today = clinic_today(clinic, now)
    date_from = date_from or today
    date_to = date_to or date_from + datetime.timedelta(days=MAX_RANGE_DAYS - 1)
    _check_dates(date_from, date_to, today)
    waiting = WaitlistEntry.objects.select_for_update().filter(
        client=client, service=service, staff=staff, notified_at__isnull=True, date_to__gte=today
    )
    if waiting.exists():
        raise ConflictError(
            (
                gettext(
                    "You are already on the waitlist for %(service)s with %(staff)s. "
                    "Remove that entry first to change the dates."
                )
                if staff
                else gettext(
                    "You are already on the waitlist for %(service)s. "
                    "Remove that entry first to change the dates."
                )
            )
            % {"service": service, "staff": staff},
            field="service",
            code=BookingErrorCode.ALREADY_WAITLISTED,
        )
    return WaitlistEntry.objects.create(
        client=client, service=service, staff=staff, date_from=date_from, date_to=date_to
    )


@transaction.atomic
def waitlist_leave(*, clinic, client, entry_id) -> None:
    """Take the client off the waitlist (another client's entry: 404)."""
    deleted, _ = WaitlistEntry.objects.filter(
        pk=entry_id, client=client, client__clinic=clinic
    ).delete()
    if not deleted:
        raise WaitlistError(
            gettext("That waitlist entry was not found."),
            field="entry",
            status=404,
            code=BookingErrorCode.NOT_FOUND,
        )


def _as_datetime(value):
    if value is None or isinstance(value, datetime.datetime):
        return value
    return parse_datetime(value)


@transaction.atomic
def waitlist_offer_freed_slot(booking, *, freed_start=None, now=None) -> WaitlistEntry | None:
    """A booking was cancelled or moved away: tell the first waiting client who can use
    the freed day. ``freed_start`` is the time given up (for a reschedule, the previous
    start; default the booking's start). Returns the entry told, or None.

    Idempotent: a second run for the same booking and freed time tells nobody new."""
    booking = Booking.objects.select_related("clinic", "service").get(pk=booking.pk)
    clinic, service = booking.clinic, booking.service
    freed_start = _as_datetime(freed_start) or booking.start
    tz = zoneinfo.ZoneInfo(clinic.timezone)
    day = freed_start.astimezone(tz).date()
    if day < clinic_today(clinic, now):
        return None
    marker = {"freed_start": freed_start.isoformat()}
    if BookingEvent.objects.filter(
        booking=booking, kind=OFFER_EVENT, data__freed_start=marker["freed_start"]
    ).exists():
        return None
    entries = (
        WaitlistEntry.objects.select_for_update(of=("self",))
        .select_related("client__user", "staff")
        .filter(
            client__clinic=clinic,
            service=service,
            notified_at__isnull=True,
            date_from__lte=day,
            date_to__gte=day,
        )
        .filter(Q(staff__isnull=True) | Q(staff_id=booking.staff_id))
        .exclude(client_id=booking.client_id)  # they just gave that time up
        .order_by("created_at", "id")
    )
    free_for = {}  # staff id (None: anyone) → is a slot free that day
    for entry in entries:
        if entry.staff_id not in free_for:
            free_for[entry.staff_id] = bool(
                find_slots(
                    clinic=clinic,
                    service=service,
                    date_from=day,
                    date_to=day,
                    staff_ids=[entry.staff_id] if entry.staff_id else None,
                    now=now,
                )
            )
        if not free_for[entry.staff_id]:
            continue
        _tell(entry, clinic, service, day)
        entry.notified_at = now or timezone.now()
        entry.save(update_fields=["notified_at"])
        BookingEvent.objects.create(
            booking=booking, kind=OFFER_EVENT, data={**marker, "waitlist_entry": entry.pk}
        )
        return entry
    return None


def _tell(entry, clinic, service, day):
    from branding import clinic_time
    from notifications.language import speaking_to
    from notifications.services import Category, notify

    with speaking_to(clinic, entry.client.user):
        values = {
            "service": service.name,
            "staff": entry.staff.display_name if entry.staff_id else "",
            "date": clinic_time.format_date(day, "long"),
        }
        title = gettext("A time opened up for %(service)s") % values
        body = (
            gettext(
                "A %(service)s appointment with %(staff)s has become free on %(date)s. "
                "Book soon: it goes to whoever books first."
            )
            if entry.staff_id
            else gettext(
                "A %(service)s appointment has become free on %(date)s. "
                "Book soon: it goes to whoever books first."
            )
        ) % values
    notify(
        clinic=clinic,
        user=entry.client.user,
        kind="waitlist_offer",
        category=Category.BOOKING,
        title=title,
        body=body,
        idempotency_key=f"waitlist-{entry.pk}",
    )
