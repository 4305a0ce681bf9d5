"""The error codes booking raises (see branding.errors.ErrorCode). The error classes
are in booking_api/services/errors.py."""

from branding.errors import ErrorCode


class BookingErrorCode(ErrorCode):
    REQUIRED = "required", 400, "A required input is missing (names the field)."
    UNKNOWN_REFERENCE = (
        "unknown_reference",
        400,
        "No service, staff member or location with that id or key at this clinic.",
    )
    OTHER_CLINIC = "other_clinic", 400, "The record named belongs to another clinic."
    SERVICE_UNAVAILABLE = "service_unavailable", 400, "That service is not offered here (now)."
    STAFF_UNAVAILABLE = (
        "staff_unavailable",
        400,
        "That staff member is not available here, or does not perform the service.",
    )
    SLOT_NOT_OFFERED = "slot_not_offered", 400, "The start time is not one of the offered slots."
    OVERRIDE_REASON_REQUIRED = (
        "override_reason_required",
        400,
        "Booking outside the offered times (or over another booking) needs a reason.",
    )
    START_INVALID = "start_invalid", 400, "The start time has no time zone offset."
    SAME_TIME = (
        "same_time",
        400,
        "A move to the time (and staff member) the booking already has: nothing to move.",
    )
    NOT_YOUR_PET = "not_your_pet", 400, "The pet is not one of the client's own."
    PACKAGE_UNUSABLE = (
        "package_unusable",
        400,
        "The package chosen to cover the booking is unknown, spent, expired, another "
        "client's or does not include the service.",
    )
    DATE_INVALID = "date_invalid", 400, "A date is outside what is allowed (names the field)."
    UNKNOWN_ACTION = "unknown_action", 400, "There is no such booking action."
    AMOUNT_INVALID = "amount_invalid", 400, "The refund amount staff chose is below zero."
    PET_BOOKING_UNKNOWN = (
        "pet_booking_unknown",
        400,
        "A booking to cancel with a removed pet is not one of that pet's upcoming "
        "appointments (names `cancel`): nothing was cancelled and the pet was kept.",
    )
    CATALOGUE_INVALID = (
        "catalogue_invalid",
        400,
        "A service, category, staff member or schedule is not valid (names the field).",
    )
    DURATION_INVALID = (
        "duration_invalid",
        400,
        "A new duration that is not a whole number of the service's slot steps, or is "
        "zero or over a day.",
    )
    OUTSIDE_WORKING_HOURS = (
        "outside_working_hours",
        409,
        "The booking would run outside the staff member's working hours or into their time off.",
    )
    OVERLAPS_BOOKING = (
        "overlaps_booking",
        409,
        "The longer booking would overlap another booking of the same staff member.",
    )
    IN_THE_PAST = "in_the_past", 409, "The booking would end before now: the past is not changed."
    SLOT_TAKEN = "slot_taken", 409, "Somebody else took the slot first; choose another time."
    INVALID_TRANSITION = (
        "invalid_transition",
        409,
        "The booking's status does not allow this (already cancelled, completed…).",
    )
    TOO_EARLY = (
        "too_early",
        409,
        "Not yet: a client is checked in at most an hour before the start, a visit starts "
        "(or completes) at most 15 minutes before its time and is a no-show only after its "
        "start.",
    )
    TOO_LATE = (
        "too_late",
        409,
        "Too late for the client to check in online (from 30 minutes after the start): "
        "they see reception.",
    )
    ALREADY_WAITLISTED = "already_waitlisted", 409, "The client is already on that waitlist."
    NOT_FOUND = "not_found", 404, "The booking, cart item or waitlist entry was not found."
    NOT_CLINIC_STAFF = "not_clinic_staff", 403, "Only the clinic's team can change this booking."
    PRICE_INVALID = (
        "price_invalid",
        400,
        "The visit's price cannot be set so (below zero, the booking is cancelled, or no "
        "reason given: field `reason`).",
    )
    ROLE_NOT_ALLOWED = (
        "role_not_allowed",
        403,
        "The person's role may not make this change to the booking.",
    )
    CLIENT_DEACTIVATED = "client_deactivated", 403, "The client's account here is not active."
    CLIENT_BLOCKED = "client_blocked", 403, "Online booking is paused after a missed appointment."
    CONTACT_CLINIC = "contact_clinic", 403, "Inside the cancellation window: contact the clinic."
    RESCHEDULE_NOT_ALLOWED = (
        "reschedule_not_allowed",
        403,
        "The clinic's reschedule count or window does not allow it (says why).",
    )
    PATCH_TEST_REQUIRED = (
        "patch_test_required",
        403,
        "The service needs a recent passed patch test; may offer `patch_test_service`.",
    )
    LINK_INVALID = "link_invalid", 403, "The emailed reschedule/cancel link is not valid."
    LINK_EXPIRED = "link_expired", 403, "The emailed link has expired or the visit has started."
    HOLD_EXPIRED = "hold_expired", 409, "The held time ran out; choose the time again."
