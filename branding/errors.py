"""The domain error every service raises; each door (API, portal, admin) turns it into a
clear message. Apps subclass it so callers can tell whose rule was broken.

Error codes are a contract with the apps that call the API: each app lists the codes it
raises in an ``ErrorCode`` enum (``<app>/errors.py``), each code with the HTTP status it
answers with and what it means. The enums are named in the ``ERROR_CODE_ENUMS`` setting
(branding is told, it does not import the apps above it); the OpenAPI schema and the
table in docs/api.md are built from them."""

import enum
import functools

from django.conf import settings
from django.utils.module_loading import import_string


class ErrorCode(enum.StrEnum):
    """Base of every app's error-code enum. A member is ``NAME = value, status, meaning``:
    the value is the API's ``code`` (never rename one: apps depend on it), the status
    the HTTP status the refusal answers with, the meaning a line for docs/api.md."""

    def __new__(cls, value, status=400, meaning=""):
        member = str.__new__(cls, value)
        member._value_ = value
        member.status = status
        member.meaning = meaning
        return member


class BrandingErrorCode(ErrorCode):
    # The generic codes of the base classes below.
    INVALID = "invalid", 400, "The input broke a rule; the message says which."
    CONFLICT = "conflict", 409, "The request conflicts with the current state."
    NOT_ALLOWED = "not_allowed", 403, "The person may not do this."
    FEATURE_DISABLED = "feature_disabled", 403, "The clinic has turned this feature off."
    # The clinic's own rules.
    CLINIC_INVALID = "clinic_invalid", 400, "A clinic setting is not valid (names the field)."
    UNKNOWN_FEATURE = "unknown_feature", 400, "There is no feature toggle of that name."
    MAIN_LOCATION_TAKEN = (
        "main_location_taken",
        400,
        "Another location is already the clinic's main one.",
    )
    OPENING_HOURS_INVALID = "opening_hours_invalid", 400, "Opening hours end before they start."
    # Amounts people type (branding.money; "invalid" above is theirs too).
    AMOUNT_NEGATIVE = "negative", 400, "The amount is negative."
    AMOUNT_DECIMALS = "decimals", 400, "The amount has more decimal places than the currency."
    AMOUNT_NO_DECIMALS = "no_decimals", 400, "The currency has no decimal places."
    AMOUNT_TOO_LARGE = "too_large", 400, "The amount is too large."
    BODY_TOO_LARGE = "body_too_large", 400, "The request body is over the size limit."
    IMPORT_INVALID = (
        "import_invalid",
        400,
        "The clinic import file was refused (every problem listed).",
    )
    # The API's own answers (sign-in, routing, reading the request), whatever the endpoint.
    NOT_AUTHENTICATED = (
        "not_authenticated",
        401,
        "No credentials were sent: sign in (`WWW-Authenticate` says how).",
    )
    AUTHENTICATION_FAILED = (
        "authentication_failed",
        401,
        "The credentials sent are not valid: a wrong password, an unknown or revoked token.",
    )
    NOT_FOUND = "not_found", 404, "No such record here (or it is not yours)."
    UNKNOWN_ENDPOINT = (
        "unknown_endpoint",
        404,
        "No endpoint at this path (API paths have no trailing slash).",
    )
    UNKNOWN_CLINIC = "unknown_clinic", 404, "No clinic answers at this host name."
    METHOD_NOT_ALLOWED = "method_not_allowed", 405, "The endpoint does not take this method."
    NOT_ACCEPTABLE = "not_acceptable", 406, "The endpoint cannot answer in the format asked for."
    UNSUPPORTED_MEDIA_TYPE = (
        "unsupported_media_type",
        415,
        "The body's Content-Type is not one the endpoint reads.",
    )
    MALFORMED_REQUEST = (
        "malformed_request",
        400,
        "The body could not be read (not valid JSON or form data).",
    )
    THROTTLED = "throttled", 429, "Too many requests: try again after `Retry-After` seconds."
    IDEMPOTENCY_KEY_INVALID = (
        "idempotency_key_invalid",
        400,
        "The `Idempotency-Key` is empty, over 200 characters or not `[A-Za-z0-9._~:-]`.",
    )
    IDEMPOTENCY_KEY_REUSED = (
        "idempotency_key_reused",
        422,
        "The `Idempotency-Key` was used (in the last 24 hours) with another request.",
    )
    IDEMPOTENCY_KEY_IN_USE = (
        "idempotency_key_in_use",
        409,
        "A request with this `Idempotency-Key` is still being processed; retry shortly.",
    )
    SERVER_ERROR = "server_error", 500, "Something went wrong on our side; it has been logged."
    SERVICE_BUSY = "service_busy", 503, "Busy: try again after `Retry-After` seconds."


@functools.cache
def error_code_enums() -> tuple[type[ErrorCode], ...]:
    """Every app's error-code enum, in the order of the ERROR_CODE_ENUMS setting."""
    return tuple(import_string(path) for path in settings.ERROR_CODE_ENUMS)


def error_code(value) -> ErrorCode:
    """The enum member for ``value``. A plain string is accepted only while it is some
    app's code (call sites are being converted to members); anything else is refused,
    so a code the contract does not list can never reach a client."""
    if isinstance(value, ErrorCode):
        return value
    for codes in error_code_enums():
        if value in codes._value2member_map_:
            return codes(value)
    raise ValueError(f"{value!r} is not an error code listed in ERROR_CODE_ENUMS.")


class DomainError(Exception):
    """A business rule refused the request.

    ``message`` is translated text (gettext, so the person reads their language);
    ``code`` a member of the raising app's ``ErrorCode`` enum; ``field`` names the input
    at fault (for a 400 naming the field); ``status`` is the HTTP status the API answers
    with, the code's own unless given (400 bad input, 403 not allowed, 404 not found,
    409 conflict with the current state).
    """

    code = BrandingErrorCode.INVALID

    def __init__(self, message, *, field=None, code=None, status=None):
        super().__init__(message)
        self.message = str(message)
        self.field = field
        self.code = error_code(code or self.code)
        self.status = status or self.code.status

    def as_dict(self):
        body = {"detail": self.message, "code": self.code.value}
        if self.field:
            body["field"] = self.field
            body["errors"] = {self.field: [self.message]}
        return body


class ConflictError(DomainError):
    code = BrandingErrorCode.CONFLICT


class NotAllowedError(DomainError):
    code = BrandingErrorCode.NOT_ALLOWED


class FeatureDisabledError(NotAllowedError):
    code = BrandingErrorCode.FEATURE_DISABLED


__all__ = [
    "BrandingErrorCode",
    "ConflictError",
    "DomainError",
    "ErrorCode",
    "FeatureDisabledError",
    "NotAllowedError",
]
