"""The error codes privacy's services raise (see branding.errors.ErrorCode)."""

from branding.errors import DomainError, ErrorCode


class PrivacyErrorCode(ErrorCode):
    EXPORT_PENDING = (
        "export_pending",
        409,
        "A copy of your data is already being prepared; wait for it to be ready.",
    )
    EXPORT_LINK_INVALID = (
        "export_link_invalid",
        404,
        "The download link is not valid here or for this person.",
    )
    EXPORT_LINK_EXPIRED = "export_link_expired", 410, "The download link has expired."
    EXPORT_LINK_USED = "export_link_used", 410, "The download link was already used."
    ERASURE_PENDING = (
        "erasure_pending",
        409,
        "An erasure request is already waiting for the clinic's decision.",
    )
    ERASURE_DECIDED = "erasure_decided", 409, "The erasure request was already decided."
    ERASURE_NOT_FOUND = "erasure_not_found", 404, "No such erasure request at this clinic."
    REASON_REQUIRED = "reason_required", 400, "A decline needs a reason (names the field)."
    UNKNOWN_SOURCE = "unknown_source", 400, "Not a door a request can come through."
    RETENTION_INVALID = "retention_invalid", 400, "The retention period is not 1 to 30 years."
    UNKNOWN_CONSENT = "unknown_consent", 400, "Not a kind of consent (names the field)."


class PrivacyError(DomainError):
    pass
