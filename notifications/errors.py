"""The error codes notifications raise (see branding.errors.ErrorCode)."""

from branding.errors import ErrorCode


class NotificationErrorCode(ErrorCode):
    UNKNOWN_PREFERENCE = "unknown_preference", 400, "There is no preference of that name."
    LANGUAGE_NOT_OFFERED = (
        "language_not_offered",
        400,
        "The clinic does not offer that language (names the field).",
    )
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
    PUSH_PLATFORM_INVALID = (
        "push_platform_invalid",
        400,
        "The app's push platform is not fcm or apns, or this clinic's apps do not use it.",
    )
    PUSH_TOKEN_INVALID = (
        "push_token_invalid",
        400,
        "The provider's push token is missing or not in the platform's format.",
    )
    PUSH_SIGNIN_REQUIRED = (
        "push_signin_required",
        403,
        "Push devices are registered with an app's device token (Authorization: Token).",
    )
