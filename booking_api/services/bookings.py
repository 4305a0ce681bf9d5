"""Making and moving a booking: create and reschedule. Status changes (cancel included)
are in ``booking_api.services.transitions``.

Collisions are impossible by construction: the slot is checked with the same engine that
lists slots, inside a transaction that serialises bookings of the same staff (row locks on
PostgreSQL, IMMEDIATE transactions on SQLite); on PostgreSQL an exclusion constraint
backs it up. A lost race is a ``SlotTakenError`` (409), never a double booking.
"""

import datetime
import zoneinfo

from django.db import IntegrityError, transaction
from django.db.models import Count
from django.utils import timezone
from django.utils.translation import gettext as _

from booking_api import lifecycle
from booking_api.availability import slot_offered
from booking_api.coverage import cover_apply
from booking_api.errors import BookingErrorCode
from booking_api.lifecycle import Role
from booking_api.models import (
    BLOCKING_STATUSES,
    Booking,
    BookingSource,
    StaffMember,
)
from booking_api.preconditions import booking_preconditions_check
from booking_api.pricing import client_price
from booking_api.services.errors import BookingError, SlotTakenError
from booking_api.services.overrides import overlapping, override_reason_check, override_slot
from booking_api.services.patch_tests import patch_test_check
from booking_api.services.policy import CLIENT_SOURCES, initial_status, reschedule_refusal
from booking_api.services.transitions import actor_role, after_commit, event_add, locked_booking
from branding import clinic_time
from branding.errors import FeatureDisabledError, NotAllowedError
from branding.selectors import feature_enabled


def _check_client_may_book(clinic, client, source):
    if client.clinic_id != clinic.pk:
        raise BookingError(
            _("That client does not belong to this clinic."),
            field="client",
            code=BookingErrorCode.OTHER_CLINIC,
        )
    if source in CLIENT_SOURCES:
        if not feature_enabled(clinic, "online_booking"):
            raise FeatureDisabledError(_("Online booking is turned off at this clinic."))
        if client.deactivated_at is not None:
            raise NotAllowedError(
                _("Your account at this clinic is not active. Please call the clinic to book."),
                code=BookingErrorCode.CLIENT_DEACTIVATED,
            )
        if client.online_booking_blocked:
            raise NotAllowedError(
                _(
                    "Online booking is paused on your account after a missed appointment. "
                    "Please call the clinic to book."
                ),
                code=BookingErrorCode.CLIENT_BLOCKED,
            )


def _check_service_and_staff(clinic, service, staff):
    if service.clinic_id != clinic.pk or not service.active:
        raise BookingError(
            _("That service is not offered here."),
            field="service",
            code=BookingErrorCode.SERVICE_UNAVAILABLE,
        )
    if staff is not None:
        if staff.clinic_id != clinic.pk or not staff.active:
            raise BookingError(
                _("That staff member is not available here."),
                field="staff",
                code=BookingErrorCode.STAFF_UNAVAILABLE,
            )
        if not staff.services.filter(pk=service.pk).exists():
            raise BookingError(
                _("%(staff)s does not perform %(service)s.") % {"staff": staff, "service": service},
                field="staff",
                code=BookingErrorCode.STAFF_UNAVAILABLE,
            )


def _lock_staff(clinic, staff_ids):
    # Row locks serialise bookings of the same staff on PostgreSQL (SQLite's IMMEDIATE
    # transaction already serialises every writer). Ordered, so two requests never deadlock.
    list(
        StaffMember.objects.select_for_update()
        .filter(clinic=clinic, pk__in=staff_ids)
        .order_by("pk")
        .values_list("pk", flat=True)
    )


def _least_busy(staff_ids, day_start, day_end):
    """Spread the load: the staff member with the fewest bookings that day."""
    counts = dict(
        Booking.objects.filter(
            staff_id__in=staff_ids,
            status__in=BLOCKING_STATUSES,
            start__gte=day_start,
            start__lt=day_end,
        )
        .values_list("staff_id")
        .annotate(n=Count("id"))
        .values_list("staff_id", "n")
    )
    return min(staff_ids, key=lambda pk: (counts.get(pk, 0), pk))


def _refuse_unoffered(
    *,
    clinic,
    service,
    staff_ids,
    start,
    location_id,
    apply_policy,
    ignore_booking_id=None,
    client=None,
):
    """Tell a slot someone else just took (409) from a time never offered (400): the
    start is offered on the schedule alone (the grid does not depend on bookings)."""
    common = {
        "clinic": clinic,
        "service": service,
        "staff_ids": staff_ids,
        "start": start,
        "location_id": location_id,
        "apply_policy": apply_policy,
        "ignore_booking_id": ignore_booking_id,
        "client": client,
    }
    if not apply_policy and len(staff_ids) == 1:
        _refuse_staff_clash(service, staff_ids[0], start, ignore_booking_id)
    if slot_offered(**common, ignore_bookings=True):
        raise SlotTakenError(
            _("Sorry, that time has just been taken. Please choose another time."), field="start"
        )
    raise BookingError(
        _("That start time is not one of the offered slots."),
        field="start",
        code=BookingErrorCode.SLOT_NOT_OFFERED,
    )


def _refuse_staff_clash(service, staff_id, start, ignore_booking_id):
    """At the staff door, name the booking in the way (the desk may then override it)
    rather than the patient-facing "just been taken"."""
    blocked_start = start - datetime.timedelta(minutes=service.buffer_before_minutes)
    blocked_end = start + datetime.timedelta(
        minutes=service.duration_minutes + service.buffer_after_minutes
    )
    clash = overlapping(staff_id, blocked_start, blocked_end, exclude_pk=ignore_booking_id)
    if clash is None:
        return
    tz = zoneinfo.ZoneInfo(clash.clinic.timezone)
    raise BookingError(
        _("%(staff)s already has %(client)s's booking at %(time)s.")
        % {
            "staff": clash.staff.display_name,
            "client": clash.client.name,
            "time": clinic_time.format_time(clash.start.astimezone(tz).time()),
        },
        field="start",
        code=BookingErrorCode.OVERLAPS_BOOKING,
    )


def _insert(booking):
    try:
        with transaction.atomic():  # a savepoint: the exclusion constraint may refuse
            booking.save()
    except IntegrityError as exc:
        raise SlotTakenError(
            _("Sorry, that time has just been taken. Please choose another time."), field="start"
        ) from exc


@transaction.atomic
def booking_create(
    *,
    clinic,
    client,
    service,
    start,
    staff=None,
    location=None,
    source=BookingSource.PORTAL,
    client_notes="",
    actor=None,
    status=None,
    hold_minutes=None,
    pet=None,
    package="",
    override_reason="",
) -> Booking:
    """Book ``service`` at ``start`` with ``staff`` (None: any available), for one of
    the client's active ``pet``s at a vet practice.

    A client booking at a clinic that takes payment when booking is only held
    (``pending_payment``, for the clinic's hold time) until the payments app confirms it:
    no door can skip the payment. ``package`` is prepaid cover the client chose
    (``booking_api.coverage``): the booking is then booked at no further cost, or not
    made at all when the cover cannot be used.

    ``override_reason`` (staff only, ``booking_api.services.overrides``): book exactly
    ``start`` with ``staff`` even though the engine does not offer it."""
    if override_reason and source != BookingSource.STAFF:
        raise NotAllowedError(
            _("Only the clinic's team can book outside the offered times."),
            code=BookingErrorCode.ROLE_NOT_ALLOWED,
        )
    if override_reason:
        override_reason = override_reason_check(clinic=clinic, actor=actor, reason=override_reason)
    if status is None:
        status, hold_minutes = initial_status(clinic, source, hold_minutes)
    _check_client_may_book(clinic, client, source)
    _check_service_and_staff(clinic, service, staff)
    if start.tzinfo is None:
        raise BookingError(
            _("The start time must include a time zone offset."),
            field="start",
            code=BookingErrorCode.START_INVALID,
        )
    if pet is not None and not _is_own_active_pet(pet, clinic, client):
        raise BookingError(
            _("Choose one of the client's own pets."),
            field="pet",
            code=BookingErrorCode.NOT_YOUR_PET,
        )
    apply_policy = source in CLIENT_SOURCES
    if apply_policy:  # rules other apps register, e.g. the forms a service requires are signed
        booking_preconditions_check(clinic=clinic, client=client, service=service, start=start)
    if apply_policy:  # staff may book without a patch test; the admin warns them first
        patch_test_check(clinic=clinic, client=client, service=service, start=start)
    if staff is not None:
        candidates = [staff.pk]
    else:
        candidates = list(
            service.staff.filter(clinic=clinic, active=True).values_list("pk", flat=True)
        )
        if not candidates:
            raise BookingError(
                _("Nobody performs that service at the moment."),
                field="service",
                code=BookingErrorCode.SERVICE_UNAVAILABLE,
            )
    _lock_staff(clinic, candidates)
    location_id = location.pk if location else None
    slot = slot_offered(
        clinic=clinic,
        service=service,
        staff_ids=candidates,
        start=start,
        location_id=location_id,
        apply_policy=apply_policy,
        client=client,
    )
    if slot is not None:
        override_reason = ""  # offered after all: an ordinary booking
    elif override_reason:
        slot = override_slot(
            clinic=clinic, service=service, staff=staff, start=start, location_id=location_id
        )
    if slot is None:
        _refuse_unoffered(
            clinic=clinic,
            service=service,
            staff_ids=candidates,
            start=start,
            location_id=location_id,
            apply_policy=apply_policy,
            client=client,
        )
    day_start = slot.start.replace(hour=0, minute=0, second=0)
    staff_id = (
        slot.staff_ids[0]
        if len(slot.staff_ids) == 1
        else _least_busy(list(slot.staff_ids), day_start, day_start + datetime.timedelta(days=1))
    )
    end = slot.end
    booking = Booking(
        clinic=clinic,
        client=client,
        service=service,
        staff_id=staff_id,
        location_id=slot.location_id,
        start=slot.start,
        end=end,
        blocked_start=slot.start - datetime.timedelta(minutes=service.buffer_before_minutes),
        blocked_end=end + datetime.timedelta(minutes=service.buffer_after_minutes),
        status=status,
        price=service.price,
        deposit=_deposit_for(clinic, service),
        currency=clinic.currency,
        client_notes=client_notes,
        pet=pet,
        source=source,
        override_reason=override_reason,
        hold_expires_at=(
            timezone.now() + datetime.timedelta(minutes=hold_minutes) if hold_minutes else None
        ),
    )
    if package:  # prepaid: nothing to pay, nothing to hold
        if booking.status == lifecycle.BookingStatus.PENDING_PAYMENT:
            booking.status, booking.hold_expires_at = lifecycle.BookingStatus.BOOKED, None
        booking.price, booking.deposit = 0, 0
        status = booking.status
    adjusted = (
        None
        if package
        else client_price(clinic=clinic, client=client, service=service, price=service.price)
    )
    if adjusted is not None:  # a member's price (booking_api.pricing)
        if service.price:
            booking.deposit = booking.deposit * adjusted.price // service.price
        booking.price = adjusted.price
    _insert(booking)
    event = event_add(booking, "created", actor=actor, to_status=status, data={"source": source})
    if adjusted is not None:
        event_add(
            booking,
            "discounted",
            actor=actor,
            data={"label": adjusted.label, "price": service.price, "to_price": adjusted.price},
        )
    if package:
        _cover(booking, package, actor, price=service.price)
    after_commit(booking, "created", event=event, actor=actor)
    return booking


def _cover(booking, ref, actor, *, price):
    option = cover_apply(booking=booking, ref=ref, actor=actor)
    if option is None:
        raise BookingError(
            _("That package cannot be used for this booking."),
            field="package",
            code=BookingErrorCode.PACKAGE_UNUSABLE,
        )
    event_add(
        booking,
        "covered",
        actor=actor,
        data={"ref": option.ref, "label": option.label, "price": price},
    )


def _is_own_active_pet(pet, clinic, client):
    return (
        pet.clinic_id == clinic.pk
        and pet.owner_id == client.pk
        and pet.active
        and pet.merged_into_id is None
    )


def _deposit_for(clinic, service):
    from booking_api.selectors import service_deposit

    return service_deposit(clinic, service)


@transaction.atomic
def booking_reschedule(
    *, booking, start, staff=None, actor=None, by_client=True, now=None, override_reason=""
) -> Booking:
    """Move a booking to another offered slot. It keeps its identity (id, reference,
    calendar UID) and its location: only times at the booking's own location are
    offered, so a move never sends the client elsewhere without asking. The calendar
    SEQUENCE goes up. Staff may pass ``override_reason`` to move it to a time the engine
    does not offer (``booking_api.services.overrides``); a move to an offered time clears
    an earlier override."""
    booking = locked_booking(booking)
    clinic = booking.clinic
    if override_reason:
        if by_client:
            raise NotAllowedError(
                _("Only the clinic's team can book outside the offered times."),
                code=BookingErrorCode.ROLE_NOT_ALLOWED,
            )
        override_reason = override_reason_check(clinic=clinic, actor=actor, reason=override_reason)
    role = actor_role(booking, actor, by_client=by_client)
    if role not in lifecycle.RESCHEDULE_ROLES:
        raise NotAllowedError(
            _("A %(role)s cannot move bookings.") % {"role": Role(role).label.lower()},
            code=BookingErrorCode.ROLE_NOT_ALLOWED,
        )
    if booking.status not in lifecycle.UPCOMING_STATUSES:
        raise BookingError(
            _("This booking is %(status)s and cannot be moved.")
            % {"status": booking.get_status_display().lower()},
            field="status",
            code=BookingErrorCode.INVALID_TRANSITION,
        )
    if by_client:
        if not feature_enabled(clinic, "self_reschedule"):
            raise FeatureDisabledError(_("Online rescheduling is turned off; please call us."))
        refusal = reschedule_refusal(booking, now=now)
        if refusal:
            raise NotAllowedError(refusal, code=BookingErrorCode.RESCHEDULE_NOT_ALLOWED)
    if start == booking.start and (staff is None or staff.pk == booking.staff_id):
        # Not a move: it would use up one of the client's reschedules and send a "moved"
        # message for nothing.
        raise BookingError(
            _("The booking is already at that time. Choose another time to move it."),
            field="start",
            code=BookingErrorCode.SAME_TIME,
        )
    staff_ids = [staff.pk] if staff else [booking.staff_id]
    if staff is not None:
        _check_service_and_staff(clinic, booking.service, staff)
    _lock_staff(clinic, staff_ids)
    slot = slot_offered(
        clinic=clinic,
        service=booking.service,
        staff_ids=staff_ids,
        start=start,
        location_id=booking.location_id,
        ignore_booking_id=booking.pk,
        apply_policy=by_client,
        client=booking.client,
    )
    if slot is not None:
        override_reason = ""  # offered after all: an ordinary move
    elif override_reason:
        slot = override_slot(
            clinic=clinic,
            service=booking.service,
            staff=staff or booking.staff,
            start=start,
            location_id=booking.location_id,
        )
    if slot is None:
        _refuse_unoffered(
            clinic=clinic,
            service=booking.service,
            staff_ids=staff_ids,
            start=start,
            location_id=booking.location_id,
            apply_policy=by_client,
            ignore_booking_id=booking.pk,
            client=booking.client,
        )
    old = {"start": booking.start.isoformat(), "staff": booking.staff_id}
    service = booking.service
    booking.staff_id = slot.staff_ids[0]
    booking.location_id = slot.location_id
    booking.start, booking.end = slot.start, slot.end
    booking.blocked_start = slot.start - datetime.timedelta(minutes=service.buffer_before_minutes)
    booking.blocked_end = slot.end + datetime.timedelta(minutes=service.buffer_after_minutes)
    if by_client:
        booking.reschedule_count += 1
    booking.sequence += 1
    booking.override_reason = override_reason
    _insert(booking)
    event = event_add(
        booking,
        "rescheduled",
        actor=actor,
        data={"from": old, "to": {"start": booking.start.isoformat(), "staff": booking.staff_id}},
    )
    after_commit(booking, "rescheduled", event=event, actor=actor, previous_start=old["start"])
    return booking
