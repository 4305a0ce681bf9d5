"""Changing how long a booking lasts (the calendar's resize handle and the appointment
page's duration field): the start stays, the end moves on the service's slot grid.

Staff only, for a booking still to come. Refused (nothing changes) when the new length
is not a whole number of the service's steps, when the booking would then end before now,
run outside the staff member's working hours at the booking's location or into their
time off, or overlap (buffers included) another booking of the same staff member. Audited
on the client's trail, and a ``resized`` event on the booking's history."""

import datetime
import zoneinfo

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from booking_api import lifecycle
from booking_api.errors import BookingErrorCode
from booking_api.models import Booking, StaffMember, TimeOff, WorkingHours
from booking_api.services.errors import BookingError, SlotTakenError
from booking_api.services.overrides import overlapping, override_reason_check
from booking_api.services.transitions import actor_role, event_add, locked_booking
from branding import clinic_time
from branding.errors import NotAllowedError
from people.models import AuditAction
from people.services import audit_record

MAX_MINUTES = 24 * 60


def _check_duration(booking, minutes):
    step = booking.service.step_minutes
    if not isinstance(minutes, int) or not 0 < minutes <= MAX_MINUTES or minutes % step:
        raise BookingError(
            _("Choose a duration in steps of %(step)s minutes, up to 24 hours.") % {"step": step},
            field="duration",
            code=BookingErrorCode.DURATION_INVALID,
        )


def _within_working_hours(booking, end, tz):
    """The booking from its start to ``end`` lies inside one of the staff member's working
    ranges of that weekday at the booking's location, and clear of their time off."""
    local_start, local_end = booking.start.astimezone(tz), end.astimezone(tz)
    if local_end.date() != local_start.date() and local_end.time() != datetime.time():
        return False
    end_time = local_end.time() if local_end.date() == local_start.date() else datetime.time.max
    inside = any(
        row.start <= local_start.time() and end_time <= row.end
        for row in WorkingHours.objects.filter(
            staff_id=booking.staff_id,
            weekday=local_start.weekday(),
            location_id=booking.location_id,
        )
    )
    if not inside:
        return False
    return not TimeOff.objects.filter(
        staff_id=booking.staff_id, start__lt=end, end__gt=booking.start
    ).exists()


@transaction.atomic
def staff_booking_resize(
    *, booking, duration_minutes, actor, request=None, now=None, override_reason=""
) -> Booking:
    """Make ``booking`` last ``duration_minutes`` from its unchanged start. With
    ``override_reason`` (a manager or the front desk) past the working hours or over
    another booking, kept on the booking and audited."""
    booking = locked_booking(booking)
    role = actor_role(booking, actor)
    if role not in lifecycle.STAFF:
        raise NotAllowedError(
            _("Only the clinic's team can change how long a booking lasts."),
            code=BookingErrorCode.ROLE_NOT_ALLOWED,
        )
    if booking.status not in lifecycle.UPCOMING_STATUSES:
        raise BookingError(
            _("This booking is %(status)s and cannot be changed.")
            % {"status": booking.get_status_display().lower()},
            field="status",
            code=BookingErrorCode.INVALID_TRANSITION,
        )
    _check_duration(booking, duration_minutes)
    end = booking.start + datetime.timedelta(minutes=duration_minutes)
    if end == booking.end:
        raise BookingError(
            _("The booking already lasts %(minutes)s minutes.") % {"minutes": duration_minutes},
            field="duration",
            code=BookingErrorCode.SAME_TIME,
        )
    if end <= (now or timezone.now()):
        raise BookingError(
            _("The booking would end before now. Choose a longer duration."),
            field="duration",
            code=BookingErrorCode.IN_THE_PAST,
        )
    tz = zoneinfo.ZoneInfo(booking.clinic.timezone)
    if override_reason:
        override_reason = override_reason_check(
            clinic=booking.clinic, actor=actor, reason=override_reason
        )
    # Serialise with other writes to this person's diary (as booking and moving do).
    list(StaffMember.objects.select_for_update().filter(pk=booking.staff_id).values_list("pk"))
    outside = not _within_working_hours(booking, end, tz)
    if outside and not override_reason:
        raise BookingError(
            _("%(staff)s is not working until %(end)s that day.")
            % {
                "staff": booking.staff.display_name,
                "end": clinic_time.format_time(end.astimezone(tz).time()),
            },
            field="duration",
            code=BookingErrorCode.OUTSIDE_WORKING_HOURS,
        )
    blocked_end = end + datetime.timedelta(minutes=booking.service.buffer_after_minutes)
    clash = overlapping(booking.staff_id, booking.blocked_start, blocked_end, exclude_pk=booking.pk)
    if clash is not None and not override_reason:
        raise BookingError(
            _("That would overlap %(client)s's booking at %(time)s.")
            % {
                "client": clash.client.name,
                "time": clinic_time.format_time(clash.start.astimezone(tz).time()),
            },
            field="duration",
            code=BookingErrorCode.OVERLAPS_BOOKING,
        )
    if not outside and clash is None:
        override_reason = ""  # within the day and clear: an ordinary change
    before = int((booking.end - booking.start).total_seconds() // 60)
    booking.end, booking.blocked_end = end, blocked_end
    booking.sequence += 1
    if override_reason:
        booking.override_reason = override_reason
    try:
        with transaction.atomic():  # a savepoint: PostgreSQL's exclusion constraint may refuse
            booking.save(
                update_fields=["end", "blocked_end", "sequence", "override_reason", "updated_at"]
            )
    except IntegrityError as exc:
        raise SlotTakenError(
            _("Sorry, that time has just been taken. Please choose another time."),
            field="duration",
        ) from exc
    event_add(
        booking,
        "resized",
        actor=actor,
        reason=override_reason,
        data={
            "from_minutes": before,
            "to_minutes": duration_minutes,
            **(
                {"overridden": True, "double_booked": clash.pk if clash else None}
                if override_reason
                else {}
            ),
        },
    )
    audit_record(
        clinic=booking.clinic,
        actor=actor,
        action=AuditAction.CHANGE,
        client=booking.client,
        summary=f"Changed {booking.service.name} on "
        f"{clinic_time.format_for(booking.clinic, booking.start)} "
        f"to {duration_minutes} minutes"
        + (f" outside the offered times (reason: {override_reason})" if override_reason else ""),
        changes={"duration": (f"{before} min", f"{duration_minutes} min")},
        request=request,
    )
    return booking
