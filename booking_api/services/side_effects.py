"""What follows a booking change once it is stored: messages, reminders, the waitlist,
then the named event other apps hear (``booking_api.signals``). Each step is
idempotent, so running this twice for one change does no harm.

``what`` is "created", "rescheduled" (``extra["previous_start"]``) or the new status;
``extra`` carries the ``event_id`` of the change's ``BookingEvent`` and the ``actor_id``.
The task may run late, so each step looks at the booking as it is now: a booking
cancelled before its "created" task ran is not confirmed to anybody.
"""

from booking_api import lifecycle, signals
from booking_api.lifecycle import CANCELLED_STATUSES, CONFIRMED_STATUSES, BookingStatus
from booking_api.models import Booking, BookingEvent, BookingSource, StaffMember
from booking_api.services import messages, reminders
from booking_api.services.waitlist import waitlist_offer_freed_slot


def booking_side_effects(*, booking_id, what, extra):
    booking = messages.booking_for_messages(booking_id)
    if booking is None:
        return None
    event = _event_for(booking, what, extra.get("event_id"))
    if what == "created":
        _created(booking)
    elif what in CONFIRMED_STATUSES:  # e.g. paid after a hold, or confirmed by staff
        reminders.reminders_plan(booking=booking)
        _tell_confirmed(booking)
    elif what == "rescheduled":
        _rescheduled(booking, extra.get("previous_start"))
    elif what == BookingStatus.CANCELLED:
        _cancelled(booking, event)
    else:  # started, completed, no-show, refunded: nothing more to remind
        reminders.reminders_skip_unsent(booking=booking)
    _announce(booking, what, event, extra)
    return None


def _event_for(booking, what, event_id):
    """The change's history row: by id, or (a task queued before events carried their id)
    the newest of its kind."""
    events = BookingEvent.objects.filter(booking=booking)
    if event_id:
        return events.filter(pk=event_id).first()
    if what in ("created", "rescheduled"):
        return events.filter(kind=what).order_by("-at", "-id").first()
    return events.filter(kind="status", to_status=what).order_by("-at", "-id").first()


def _announce(booking, what, event, extra):
    """Send the named event, then the catch-all ``booking_changed``, with what receivers
    need from the change."""
    payload = {
        "booking": booking,
        "booking_id": booking.pk,
        "what": what,
        "actor_id": extra.get("actor_id") if extra.get("actor_id") else _actor_id(event),
        "event_id": event.pk if event else None,
    }
    if what in (BookingStatus.CANCELLED, BookingStatus.NO_SHOW):
        payload["fee"] = event.fee if event else 0
    if what == BookingStatus.CANCELLED:
        payload["refund_decided"] = event.refund_decided if event else None
        payload["from_status"] = event.from_status if event else ""
    if what == "rescheduled":
        payload["previous_start"] = extra.get("previous_start")
    name = lifecycle.EVENT_SIGNAL_NAMES.get(what)
    if name:
        signals.NAMED[name].send(sender=Booking, **payload)
    signals.booking_changed.send(sender=Booking, **payload)


def _actor_id(event):
    return event.actor_id if event else None


def _created(booking):
    reminders.reminders_plan(booking=booking)
    # An imported booking was confirmed by the system it came from: an import must not
    # email every client. A booking held for payment is confirmed once paid.
    if booking.source != BookingSource.IMPORT:
        _tell_confirmed(booking)


def _tell_confirmed(booking):
    if booking.status in CONFIRMED_STATUSES:
        messages.tell_client_confirmed(booking)
        messages.tell_staff_new(booking)


def _rescheduled(booking, previous_start):
    reminders.reminders_plan(booking=booking)
    if booking.status in CONFIRMED_STATUSES:
        messages.tell_client_moved(booking, previous_start)
        messages.tell_staff_moved(booking, previous_start, previous_staff=_previous_staff(booking))
    waitlist_offer_freed_slot(booking, freed_start=previous_start)


def _previous_staff(booking):
    """Who had the booking before its last move (the history records it)."""
    event = BookingEvent.objects.filter(booking=booking, kind="rescheduled").last()
    staff_id = ((event.data if event else {}).get("from") or {}).get("staff")
    if not staff_id or staff_id == booking.staff_id:
        return None
    return StaffMember.objects.select_related("user").filter(pk=staff_id).first()


def _cancelled(booking, event):
    reminders.reminders_skip_unsent(booking=booking)
    still_cancelled = booking.status in CANCELLED_STATUSES
    # A hold (for payment, or for the guest's confirmation) that lapsed or was given up
    # was never confirmed to anyone: nothing to take back.
    from_status = event.from_status if event else ""
    # ``client_told`` in the event: the app that cancelled told the patient itself, in
    # its own words (the practice system refused the booking), so no second email.
    client_told = bool((event.data or {}).get("client_told")) if event else False
    if still_cancelled and from_status not in lifecycle.HELD_STATUSES:
        if not client_told:
            messages.tell_client_cancelled(booking)
        messages.tell_staff_cancelled(booking)
    elif (
        booking.status == BookingStatus.CANCELLED
        and from_status == BookingStatus.PENDING_PAYMENT
        and (event.data or {}).get("hold_expired")
    ):
        # The time held for payment ran out: the patient is told they are not booked
        # (a guest's unconfirmed hold tells nobody: the address was never confirmed).
        messages.tell_client_hold_expired(booking)
    waitlist_offer_freed_slot(booking)
