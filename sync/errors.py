"""The sync's error type and the codes it raises (see branding.errors.ErrorCode)."""

from branding.errors import DomainError, ErrorCode


class SyncErrorCode(ErrorCode):
    SYNC = "sync", 400, "A practice-sync rule refused the request (the message says which)."
    CONNECTION_INVALID = (
        "connection_invalid",
        400,
        "A practice-system connection setting is not valid (names the field).",
    )
    UNDO_EXPIRED = "undo_expired", 409, "A pet merge can be undone only within 30 days, once."
    NOT_REMOVED = "not_removed", 409, "The pet was not taken out of the app by the sync."


class SyncError(DomainError):
    code = SyncErrorCode.SYNC
