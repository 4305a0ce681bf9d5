from booking_api.errors import BookingErrorCode
from branding.errors import ConflictError, DomainError


class BookingError(DomainError):
    """A booking request broke a rule (bad input 400, or a state conflict 409)."""


class SlotTakenError(ConflictError):
    """Somebody else got the slot first."""

    code = BookingErrorCode.SLOT_TAKEN
