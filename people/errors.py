"""The error codes people's services raise (see branding.errors.ErrorCode)."""

from branding.errors import DomainError, ErrorCode


class PeopleErrorCode(ErrorCode):
    # The admin's JSON answer to an invalid form (people.admin_toolkit.responses); the
    # same value and status as branding's generic "invalid".
    INVALID = "invalid", 400, "A form's input is not valid (names the field; `errors` lists all)."
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
    PHONE_TAKEN = "phone_taken", 400, "Another client of the clinic has that phone number."
    NAME_INVALID = (
        "name_invalid",
        400,
        "A name contains markup (`<`, `>`) or control characters (names the field).",
    )
    DATE_INVALID = "date_invalid", 400, "Not a date, or not a possible one (names the field)."
    BOOLEAN_INVALID = "boolean_invalid", 400, "The value is not yes or no."
    TOO_MANY_TAGS = "too_many_tags", 400, "A client has too many tags."
    DUPLICATE_ID = "duplicate_id", 400, "Another record already has that external id."
    NOT_YOUR_PET = "not_your_pet", 400, "The pet (or its photo) is not the client's own."
    PET_MERGED = "pet_merged", 400, "The pet profile was merged into another."
    MERGE_REFUSED = "merge_refused", 400, "These two pet profiles cannot be merged (says why)."
    INVALID_IMAGE = "invalid_image", 400, "The upload is not a JPEG, PNG or WebP image we can read."
    TOO_LARGE = "too_large", 400, "The photo is over the size or pixel limit."
    # Signing in (people.signin), the same at every door.
    SIGN_IN_FAILED = (
        "sign_in_failed",
        401,
        "The email and password do not match an account that may sign in here.",
    )
    EMAIL_UNCONFIRMED = (
        "email_unconfirmed",
        403,
        "The right password, but the email address is not confirmed yet.",
    )
    TOO_MANY_ATTEMPTS = (
        "too_many_attempts",
        429,
        "Too many failed sign-ins for this account or from this address; try later.",
    )
    # A token used at a clinic where the person has no account: reading never makes one.
    NOT_A_CLIENT_HERE = (
        "not_a_client_here",
        403,
        "No client account at this clinic: sign in at its host (`POST /auth/token`) first.",
    )


class ClientError(DomainError):
    """A write about a person or client account refused (names the field)."""


class SignInError(DomainError):
    """A sign-in refused: wrong credentials, too many attempts, or an unconfirmed email."""

    code = PeopleErrorCode.SIGN_IN_FAILED
