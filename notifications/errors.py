"""The error codes notifications raise (see branding.errors.ErrorCode)."""

from branding.errors import ErrorCode


class NotificationErrorCode(ErrorCode):
    UNKNOWN_PREFERENCE = "unknown_preference", 400, "There is no preference of that name."
    PUSH_ENDPOINT_INVALID = (
        "push_endpoint_invalid",
        400,
        "The push subscription's endpoint is not an https:// address.",
    )
    PUSH_KEY_INVALID = (
        "push_key_invalid",
        400,
        "A push subscription key is missing, too long or not base64 (names the key).",
    )
