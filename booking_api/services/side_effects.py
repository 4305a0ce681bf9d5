"""What follows a booking change once it is stored: messages, reminders, the waitlist.
Each step is idempotent, so running this twice for one change does no harm.

``what`` is "created", "rescheduled" (``extra["previous_start"]``) or the new status.
The task may run late, so each step looks at the booking as it is now: a booking
cancelled before its "created" task ran is not confirmed to anybody.
"""

from booking_api.models import Booking, BookingEvent, BookingSource, BookingStatus, StaffMember
from booking_api.services import messages, reminders
from booking_api.services.waitlist import waitlist_offer_freed_slot
from booking_api.signals import booking_changed

CONFIRMED_STATUSES = (BookingStatus.BOOKED, BookingStatus.CONFIRMED)


def booking_side_effects(*, booking_id, what, extra):
    booking = messages.booking_for_messages(booking_id)
    if booking is None:
        return None
    if what == "created":
        _created(booking)
    elif what in CONFIRMED_STATUSES:  # e.g. paid after a hold, or confirmed by staff
        reminders.reminders_plan(booking=booking)
        _tell_confirmed(booking)
    elif what == "rescheduled":
        _rescheduled(booking, extra.get("previous_start"))
    elif what == BookingStatus.CANCELLED:
        _cancelled(booking)
    else:  # started, completed, no-show, refunded: nothing more to remind
        reminders.reminders_skip_unsent(booking=booking)
    booking_changed.send(sender=Booking, booking=booking, what=what)
    return None


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


def _cancelled(booking):
    reminders.reminders_skip_unsent(booking=booking)
    still_cancelled = booking.status in (BookingStatus.CANCELLED, BookingStatus.REFUNDED)
    # A payment hold that lapsed was never confirmed to anyone: nothing to take back.
    if still_cancelled and _cancelled_from(booking) != BookingStatus.PENDING_PAYMENT:
        messages.tell_client_cancelled(booking)
        messages.tell_staff_cancelled(booking)
    waitlist_offer_freed_slot(booking)


def _cancelled_from(booking):
    event = (
        BookingEvent.objects.filter(booking=booking, kind="status", to_status="cancelled")
        .order_by("-at", "-id")
        .first()
    )
    return event.from_status if event else ""
