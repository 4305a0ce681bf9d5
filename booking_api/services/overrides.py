"""Staff overriding availability: a manager or the front desk books (or moves, or
lengthens) a booking at a time the engine does not offer — squeezed in outside the
offered slots or working hours, or deliberately on top of another booking of the same
staff member. Only with a reason, which is kept on the booking (``override_reason``),
written to its history and to the client's audit trail by the callers.

Therapists, clients and the platform never override; the portal and the API never pass
a reason, so they keep the engine's guarantees (and PostgreSQL's exclusion constraint,
which skips only bookings that carry a reason)."""

import datetime
import types

from django.utils.translation import gettext as _

from booking_api import lifecycle
from booking_api.availability import slot_offered
from booking_api.availability.engine import Slot
from booking_api.errors import BookingErrorCode
from booking_api.models import BLOCKING_STATUSES, Booking, WorkingHours
from booking_api.services.errors import BookingError
from booking_api.services.transitions import actor_role
from branding.errors import NotAllowedError
from branding.models import Location

MAX_REASON = 500


def override_reason_check(*, clinic, actor, reason) -> str:
    """The cleaned reason, once the actor may override; refuses a therapist (or anyone
    else) and an empty reason, naming the field."""
    role = actor_role(types.SimpleNamespace(clinic=clinic), actor)
    if role not in lifecycle.STAFF:
        raise NotAllowedError(
            _("Only managers and the front desk can book outside the offered times."),
            code=BookingErrorCode.ROLE_NOT_ALLOWED,
        )
    reason = " ".join((reason or "").split())
    if not reason:
        raise BookingError(
            _("Give a reason for booking outside the offered times."),
            field="override_reason",
            code=BookingErrorCode.OVERRIDE_REASON_REQUIRED,
        )
    if len(reason) > MAX_REASON:
        raise BookingError(
            _("Keep the reason under %(count)s characters.") % {"count": MAX_REASON},
            field="override_reason",
            code=BookingErrorCode.OVERRIDE_REASON_REQUIRED,
        )
    return reason


def _location_for(clinic, service, staff, start, location_id):
    if location_id is not None:
        return location_id
    offered = slot_offered(
        clinic=clinic,
        service=service,
        staff_ids=[staff.pk],
        start=start,
        apply_policy=False,
        ignore_bookings=True,
    )
    if offered is not None:
        return offered.location_id
    # Outside the offered grid: where the staff member works, else the clinic's first
    # location that offers the service.
    worked = (
        WorkingHours.objects.filter(staff_id=staff.pk)
        .order_by("weekday", "start")
        .values_list("location_id", flat=True)
        .first()
    )
    if worked is not None:
        return worked
    locations = Location.objects.filter(clinic=clinic).order_by("pk")
    chosen = service.locations.order_by("pk").first() or locations.first()
    return chosen.pk


def override_slot(*, clinic, service, staff, start, location_id=None) -> Slot:
    """The slot a staff override takes: exactly ``start`` with ``staff``, for the
    service's duration, whatever the engine offers."""
    if staff is None:
        raise BookingError(
            _("Choose the staff member to book outside the offered times."),
            field="staff",
            code=BookingErrorCode.STAFF_UNAVAILABLE,
        )
    end = start + datetime.timedelta(minutes=service.duration_minutes)
    return Slot(
        start=start,
        end=end,
        location_id=_location_for(clinic, service, staff, start, location_id),
        staff_ids=(staff.pk,),
    )


def overlapping(staff_id, blocked_start, blocked_end, *, exclude_pk=None):
    """The staff member's first active booking whose blocked time overlaps, or None."""
    return (
        Booking.objects.filter(
            staff_id=staff_id,
            status__in=BLOCKING_STATUSES,
            blocked_start__lt=blocked_end,
            blocked_end__gt=blocked_start,
        )
        .exclude(pk=exclude_pk)
        .select_related("client__user", "staff", "clinic")
        .order_by("start")
        .first()
    )
