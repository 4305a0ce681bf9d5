"""Writes of the booking app. Import from the submodules; the common ones are here."""

from booking_api.services.bookings import booking_create, booking_reschedule
from booking_api.services.errors import BookingError, SlotTakenError
from booking_api.services.policy import (
    cancellation_quote,
    cancellation_terms,
    client_cancellation_quote,
    quote_lines,
    register_paid_provider,
)
from booking_api.services.transitions import (
    booking_cancel,
    booking_check_in,
    booking_confirm_paid,
    booking_cover_at_desk,
    booking_event_record,
    booking_fee_waive,
    booking_guest_pet_record,
    booking_mark_no_show,
    booking_mark_refunded,
    booking_pet_link,
    booking_price_adjust,
    booking_release_hold,
    booking_transition,
    booking_verify_hold,
    holds_release_unverified,
)

__all__ = [
    "BookingError",
    "SlotTakenError",
    "booking_cancel",
    "booking_check_in",
    "booking_confirm_paid",
    "booking_cover_at_desk",
    "booking_create",
    "booking_event_record",
    "booking_fee_waive",
    "booking_guest_pet_record",
    "booking_mark_no_show",
    "booking_mark_refunded",
    "booking_pet_link",
    "booking_price_adjust",
    "booking_reschedule",
    "booking_release_hold",
    "booking_transition",
    "booking_verify_hold",
    "cancellation_quote",
    "client_cancellation_quote",
    "cancellation_terms",
    "quote_lines",
    "register_paid_provider",
    "holds_release_unverified",
]
