"""The error codes people's services raise (see branding.errors.ErrorCode)."""

from branding.errors import ErrorCode


class PeopleErrorCode(ErrorCode):
    REQUIRED = "required", 400, "A required input is missing (names the field)."
    TOO_LONG = "too_long", 400, "An input is longer than allowed (names the field)."
    OTHER_CLINIC = "other_clinic", 400, "The record named belongs to another clinic."
    UNKNOWN_CHOICE = "unknown_choice", 400, "A value is not one of the choices (names the field)."
    FIELD_NOT_EDITABLE = "field_not_editable", 400, "That field cannot be changed here."
    EMAIL_INVALID = "email_invalid", 400, "Not an email address."
    EMAIL_TAKEN = "email_taken", 400, "The email address belongs to another person."
    EMAIL_SHARED = (
        "email_shared",
        400,
        "The person signs in at another clinic too: only they can change their email.",
    )
    PHONE_INVALID = "phone_invalid", 400, "Not a (possible) phone number."
    DATE_INVALID = "date_invalid", 400, "Not a date, or not a possible one (names the field)."
    BOOLEAN_INVALID = "boolean_invalid", 400, "The value is not yes or no."
    TOO_MANY_TAGS = "too_many_tags", 400, "A client has too many tags."
    DUPLICATE_ID = "duplicate_id", 400, "Another record already has that external id."
    NOT_YOUR_PET = "not_your_pet", 400, "The pet (or its photo) is not the client's own."
    PET_MERGED = "pet_merged", 400, "The pet profile was merged into another."
    MERGE_REFUSED = "merge_refused", 400, "These two pet profiles cannot be merged (says why)."
    INVALID_IMAGE = "invalid_image", 400, "The upload is not a JPEG, PNG or WebP image we can read."
    TOO_LARGE = "too_large", 400, "The photo is over the size or pixel limit."


class RecordsErrorCode(ErrorCode):
    """The codes of forms and documents, medical history, feedback, messages and the
    client workspace: those move to the new ``records`` app, and this enum with them
    (records/errors.py). Their raise sites still pass these values as strings."""

    REQUIRED = "required", 400, "A required input is missing (names the field)."
    TOO_LONG = "too_long", 400, "An input is longer than allowed (names the field)."
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
    UNKNOWN_ACTION = "unknown_action", 400, "There is no such action."
