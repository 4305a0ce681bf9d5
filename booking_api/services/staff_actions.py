"""What staff do to a client's booking from the admin calendar, each written to the
client's audit trail in the same transaction: book, move or reassign, move along the
lifecycle (check in, start, complete, no-show, cancel), and add session notes.

These wrap the booking services (same engine, same policy); they add only the audit
entry and, for staff bookings of a service that needs a patch test, a record that the
warning was overridden."""

import zoneinfo

from django.db import transaction
from django.utils.translation import gettext as _

from booking_api.errors import BookingErrorCode
from booking_api.models import Booking, BookingEvent, BookingSource, BookingStatus
from booking_api.patch_test_selectors import patch_test_missing
from booking_api.services.bookings import booking_create, booking_reschedule
from booking_api.services.errors import BookingError
from booking_api.services.overrides import overlapping
from booking_api.services.transitions import (
    booking_cancel,
    booking_check_in,
    booking_mark_no_show,
    booking_transition,
    event_add,
)
from branding import clinic_time
from people.models import AuditAction
from people.services import audit_record


def _local(booking_or_clinic, moment):
    clinic = getattr(booking_or_clinic, "clinic", booking_or_clinic)
    return moment.astimezone(zoneinfo.ZoneInfo(clinic.timezone))


def _when(booking, moment):
    """A moment in an audit summary, as the clinic writes it ("Dec 2, 2026, 8:00 AM" in
    New York, "2 Dec 2026, 08:00" in London): the staff pages' one format."""
    return clinic_time.format_for(booking.clinic, moment)


@transaction.atomic
def staff_booking_create(
    *, clinic, client, service, staff, start, actor, notes="", request=None, override_reason=""
):
    """Book for a client from the calendar. The engine refuses a collision exactly as it
    would online; a missing patch test is allowed here (the form warned) and noted.
    With ``override_reason`` a manager or the front desk books a time the engine does
    not offer (``booking_api.services.overrides``): recorded on the booking, its history
    and the audit trail."""
    local_day = _local(clinic, start).date()
    overridden = patch_test_missing(clinic, client, service, local_day)
    booking = booking_create(
        clinic=clinic,
        client=client,
        service=service,
        staff=staff,
        start=start,
        source=BookingSource.STAFF,
        actor=actor,
        override_reason=override_reason,
    )
    if notes.strip():
        booking.internal_notes = notes.strip()
        booking.save(update_fields=["internal_notes", "updated_at"])
    summary = f"Booked {service.name} with {booking.staff} on {_when(booking, booking.start)}"
    if overridden:
        summary += " without a valid patch test"
        BookingEvent.objects.create(
            booking=booking,
            kind="patch_test_overridden",
            actor=actor,
            data={"service": service.pk, "months": service.patch_test_months},
        )
    if booking.override_reason:
        summary += _override_note(booking, actor)
    audit_record(
        clinic=clinic,
        actor=actor,
        action=AuditAction.CREATE,
        client=client,
        summary=summary,
        request=request,
    )
    return booking


def _override_note(booking, actor):
    """Record an override on the booking's history; the audit summary's tail."""
    clash = overlapping(
        booking.staff_id, booking.blocked_start, booking.blocked_end, exclude_pk=booking.pk
    )
    event_add(
        booking,
        "availability_overridden",
        actor=actor,
        reason=booking.override_reason,
        data={"double_booked": clash.pk if clash else None},
    )
    tail = " outside the offered times"
    if clash is not None:
        tail += f", over {clash.client.name}'s booking"
    return f"{tail} (reason: {booking.override_reason})"


@transaction.atomic
def staff_booking_move(*, booking, start, staff=None, actor, request=None, override_reason=""):
    """Reschedule and/or reassign (``staff``) a booking, ignoring the online policy's
    notice and limits but never a collision — unless a manager or the front desk gives
    ``override_reason`` (audited, kept on the booking)."""
    before = {
        "start": _when(booking, booking.start),
        "staff": str(booking.staff),
    }
    moved = booking_reschedule(
        booking=booking,
        start=start,
        staff=staff,
        actor=actor,
        by_client=False,
        override_reason=override_reason,
    )
    after = {
        "start": _when(moved, moved.start),
        "staff": str(staff or moved.staff),  # booking_reschedule set staff_id only
    }
    audit_record(
        clinic=moved.clinic,
        actor=actor,
        action=AuditAction.CHANGE,
        client=moved.client,
        summary=f"Moved {moved.service.name} to {after['start']} with {after['staff']}"
        + (_override_note(moved, actor) if moved.override_reason else ""),
        changes={key: (before[key], after[key]) for key in before if before[key] != after[key]},
        request=request,
    )
    return moved


# What a staff action is called, and the status it leads to.
STAFF_ACTIONS = {
    "confirm": BookingStatus.CONFIRMED,
    "check_in": BookingStatus.ARRIVED,
    "start": BookingStatus.STARTED,
    "complete": BookingStatus.COMPLETED,
    "no_show": BookingStatus.NO_SHOW,
    "cancel": BookingStatus.CANCELLED,
}


@transaction.atomic
def staff_booking_action(
    *, booking, action, actor, reason="", request=None, apply_fee=True, block=True
):
    """Move a booking along its lifecycle from the admin. No-show applies the clinic's
    fee and blocking; cancel is the staff cancel (always allowed, fee quoted)."""
    if action not in STAFF_ACTIONS:
        raise BookingError(
            _("Unknown action."), field="action", code=BookingErrorCode.UNKNOWN_ACTION
        )
    if action == "check_in":  # audited by the check-in service itself
        return booking_check_in(booking=booking, actor=actor, via="desk", request=request)
    from_status = booking.get_status_display()
    if action == "no_show":
        booking = booking_mark_no_show(
            booking=booking, actor=actor, reason=reason, apply_fee=apply_fee, block=block
        )
    elif action == "cancel":
        booking = booking_cancel(booking=booking, actor=actor, by_client=False, reason=reason)
    else:
        booking = booking_transition(
            booking=booking, to_status=STAFF_ACTIONS[action], actor=actor, reason=reason
        )
    audit_record(
        clinic=booking.clinic,
        actor=actor,
        action=AuditAction.CHANGE,
        client=booking.client,
        summary=(
            f"{booking.service.name} on {_when(booking, booking.start)}: "
            f"{booking.get_status_display()}"
        ),
        changes={
            "status": (from_status, booking.get_status_display()),
            **(
                {"no-show policy": ("", _no_show_choice(apply_fee, block))}
                if action == "no_show" and not (apply_fee and block)
                else {}
            ),
        },
        request=request,
    )
    return booking


def _no_show_choice(apply_fee, block):
    return ", ".join(
        part
        for part, skipped in (("fee not applied", not apply_fee), ("not blocked", not block))
        if skipped
    )


@transaction.atomic
def booking_internal_notes_update(*, booking, actor, notes, request=None):
    """Staff's internal notes on the appointment (never shown to the client), audited
    with the old and new text. Unchanged notes write nothing."""
    notes = (notes or "").strip()
    if len(notes) > 5000:
        raise BookingError(
            _("Keep the internal notes under 5,000 characters."),
            field="internal_notes",
            code=BookingErrorCode.REQUIRED,
        )
    booking = (
        Booking.objects.select_for_update().select_related("clinic", "client").get(pk=booking.pk)
    )
    before = booking.internal_notes
    if before == notes:
        return booking
    booking.internal_notes = notes
    booking.save(update_fields=["internal_notes", "updated_at"])
    audit_record(
        clinic=booking.clinic,
        actor=actor,
        action=AuditAction.NOTE,
        client=booking.client,
        summary=f"Internal notes on {booking.service.name} of {_when(booking, booking.start)}",
        changes={"internal_notes": (before, notes)},
        request=request,
    )
    return booking
