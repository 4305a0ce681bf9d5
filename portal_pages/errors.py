"""The error codes the portal's own steps raise (see branding.errors.ErrorCode)."""

from branding.errors import ErrorCode


class PortalErrorCode(ErrorCode):
    ACCOUNT_EXISTS = (
        "account_exists",
        400,
        "No longer raised: a guest booking is answered alike whether or not the email has "
        "an account (kept so apps that know it still parse).",
    )
    SIGN_IN_REQUIRED = "sign_in_required", 400, "Sign in, or give a name and email, to book."
    NOT_YOUR_PET = "not_your_pet", 400, "The pet is not one of the client's own."
    PET_REQUIRED = (
        "pet_required",
        400,
        "At a clinic that keeps pets, a booking without signing in names the pet "
        "(field `pet_name`).",
    )
    CLINIC_EXISTS = (
        "clinic_exists",
        409,
        "A clinic with that name or domain exists already (names the field).",
    )
    CLINIC_NAME_INVALID = (
        "clinic_name_invalid",
        400,
        "The clinic's name gives no address slug (letters or digits needed).",
    )
