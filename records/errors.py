"""The error codes records raise (see branding.errors.ErrorCode)."""

from branding.errors import ErrorCode


class RecordsErrorCode(ErrorCode):
    """The codes of forms and documents, medical history, feedback, messages and the
    client-record workspace. Their raise sites still pass these values as strings (to
    be converted to members, with gettext messages)."""

    REQUIRED = "required", 400, "A required input is missing (names the field)."
    TOO_LONG = "too_long", 400, "An input is longer than allowed (names the field)."
    NAME_INVALID = (
        "name_invalid",
        400,
        "A name contains markup (`<`, `>`) or control characters (names the field).",
    )
    OTHER_CLINIC = "other_clinic", 400, "The record named belongs to another clinic."
    UNKNOWN_CHOICE = "unknown_choice", 400, "A value is not one of the choices (names the field)."
    FIELD_NOT_EDITABLE = "field_not_editable", 400, "That field cannot be changed here."
    FORMS_REQUIRED = (
        "forms_required",
        403,
        "The service needs a form the client has not signed; `forms` lists where to sign.",
    )
    FORM_UNAVAILABLE = "form_unavailable", 400, "That form is not available at this clinic."
    FORM_ANSWER_INVALID = (
        "form_answer_invalid",
        400,
        "An answer is missing or not valid (names the question).",
    )
    SIGNATURE_INVALID = "signature_invalid", 400, "The drawn signature could not be read."
    VISIT_NOT_RATEABLE = "visit_not_rateable", 404, "This visit cannot be rated."
    ALREADY_RATED = "already_rated", 409, "The visit has already been rated."
    RATING_INVALID = "rating_invalid", 400, "The rating is not from 1 to 5."
    REPLIES_CLOSED = "replies_closed", 400, "The message thread takes no replies."
    FILE_INVALID = (
        "file_invalid",
        400,
        "An attached file is not a picture (JPEG, PNG, WebP) or a PDF, whatever its name.",
    )
    FILE_TOO_LARGE = "file_too_large", 400, "An attached file is over the size limit."
    UNKNOWN_ACTION = "unknown_action", 400, "There is no such action."
    NOT_STAFF = (
        "not_staff",
        400,
        "The person named is not on the clinic's staff (names the field).",
    )
    ROLE_NOT_ALLOWED = "role_not_allowed", 403, "Your role at the clinic may not do this."
    VALUE_INVALID = (
        "value_invalid",
        400,
        "A value is not valid (names the field, e.g. `products.0.quantity`).",
    )
    DATE_INVALID = "date_invalid", 400, "A date is out of range (names the field)."
    BOOKING_CANCELLED = (
        "booking_cancelled",
        400,
        "The appointment was cancelled: there is no treatment to record.",
    )
    PET_REQUIRED = (
        "pet_required",
        400,
        "At a vet practice medical history belongs to a pet: name one (field `pet`).",
    )
    PET_UNKNOWN = (
        "pet_unknown",
        404,
        "The pet is not one of the client's own active pets at this clinic (field `pet`).",
    )
    PHOTO_CONSENT_REQUIRED = (
        "photo_consent_required",
        400,
        "A clinical photo needs the client's photo-use consent, recorded or on paper.",
    )
