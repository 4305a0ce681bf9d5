from booking_api.models.bookings import (
    BLOCKING_STATUSES,
    UPCOMING_STATUSES,
    Booking,
    BookingEvent,
    BookingSource,
    BookingStatus,
)
from booking_api.models.cart import CartItem, WaitlistEntry
from booking_api.models.catalogue import (
    DEFAULT_SLOT_STEP_MINUTES,
    Service,
    ServiceCategory,
    ServiceColour,
)
from booking_api.models.clinical import PatchTest, PatchTestResult
from booking_api.models.preferences import BookingPreferences
from booking_api.models.reminders import Reminder
from booking_api.models.staff import StaffMember, TimeOff, WorkingHours

__all__ = [
    "BLOCKING_STATUSES",
    "DEFAULT_SLOT_STEP_MINUTES",
    "UPCOMING_STATUSES",
    "Booking",
    "BookingEvent",
    "BookingPreferences",
    "BookingSource",
    "BookingStatus",
    "CartItem",
    "PatchTest",
    "PatchTestResult",
    "Reminder",
    "Service",
    "ServiceCategory",
    "ServiceColour",
    "StaffMember",
    "TimeOff",
    "WaitlistEntry",
    "WorkingHours",
]
