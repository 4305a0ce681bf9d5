"""Loyalty's error type and the codes it raises (see branding.errors.ErrorCode)."""

from branding.errors import DomainError, ErrorCode


class LoyaltyErrorCode(ErrorCode):
    # The class defaults of LoyaltyError and GameError (every raise names its own code).
    LOYALTY = "loyalty", 400, "A loyalty rule refused the request (the message says which)."
    GAME = "game", 400, "A game rule refused the request (the message says which)."
    REQUIRED = "required", 400, "A required input is missing (names the field)."
    TOO_LONG = "too_long", 400, "An input is longer than allowed (names the field)."
    AMOUNT_INVALID = "amount_invalid", 400, "The amount is not a whole number in range."
    OTHER_CLINIC = "other_clinic", 400, "The client belongs to another clinic."
    UNKNOWN_SETTING = (
        "unknown_setting",
        400,
        "There is no programme, game or prize setting of that name.",
    )
    GAME_INVALID = "game_invalid", 400, "A game or prize setting is not valid (names the field)."
    NOT_REVERSIBLE = "not_reversible", 400, "A reversal cannot itself be reversed."
    REWARD_UNAVAILABLE = "reward_unavailable", 400, "The reward is not available now."
    VOUCHER_UNUSABLE = (
        "voucher_unusable",
        400,
        "The voucher is used, expired or does not apply to this service.",
    )
    VOUCHER_RESERVED = (
        "voucher_reserved",
        409,
        "The voucher is applied to another booking waiting for payment (until that one is "
        "paid, cancelled or paid without it).",
    )
    REFERRAL_REFUSED = "referral_refused", 400, "A self-referral, or the client is not new."
    NOT_FOUND = (
        "not_found",
        404,
        "The reward, request, voucher, entry, referral code or game was not found.",
    )
    CONFLICT = "conflict", 409, "Already done: reversed, referred, answered, used or asked for."
    INSUFFICIENT_BALANCE = "insufficient_balance", 409, "Not enough points or stamps."
    CLOSED = "closed", 409, "The game is not open."
    NOT_ELIGIBLE = "not_eligible", 409, "The game opens after the client's first completed visit."
    NO_PLAYS_LEFT = "no_plays_left", 409, "No plays left for now."
    SOLD_OUT = "sold_out", 409, "Every prize in the game has been won."


class LoyaltyError(DomainError):
    code = LoyaltyErrorCode.LOYALTY
