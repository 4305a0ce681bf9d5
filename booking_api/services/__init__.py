"""Writes of the booking app. Import from the submodules; the common ones are here."""

from booking_api.services.bookings import (
    booking_cancel,
    booking_create,
    booking_mark_no_show,
    booking_reschedule,
    booking_transition,
)
from booking_api.services.errors import BookingError, SlotTakenError
from booking_api.services.policy import cancellation_quote

__all__ = [
    "BookingError",
    "SlotTakenError",
    "booking_cancel",
    "booking_create",
    "booking_mark_no_show",
    "booking_reschedule",
    "booking_transition",
    "cancellation_quote",
]
