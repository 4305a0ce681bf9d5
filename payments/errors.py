"""Payments' error codes (see branding.errors.ErrorCode) and the errors that carry them."""

from django.utils.translation import gettext as _

from branding.errors import DomainError, ErrorCode


class PaymentErrorCode(ErrorCode):
    PAYMENT_INVALID = (
        "payment_invalid",
        400,
        "A payment rule refused the request (the message says which).",
    )
    AMOUNT_INVALID = "amount_invalid", 400, "The amount is zero, negative or over the limit."
    CHARGE_INVALID = (
        "charge_invalid",
        400,
        "There is no such charge (balance, late cancellation, no-show).",
    )
    CARD_UNUSABLE = "card_unusable", 400, "The card cannot be used (the message says why)."
    NOT_REFUNDABLE = "not_refundable", 400, "Only a completed payment can be refunded."
    NO_INTENT = "no_intent", 400, "Start the checkout (or the card setup) first."
    NO_CARD = "no_card", 400, "The client has no card on file."
    BAD_VOUCHER = "bad_voucher", 400, "The voucher cannot be used on this booking."
    NOTHING_DUE = "nothing_due", 400, "Nothing is due online (the clinic takes no payment online)."
    PAYMENTS_NOT_SET_UP = (
        "payments_not_set_up",
        409,
        "The clinic has no usable Stripe account: it takes no online payment until its "
        "manager connects one (the admin's Payments account page says why and how).",
    )
    BAD_SIGNATURE = "bad_signature", 400, "The Stripe webhook signature could not be verified."
    CARD_DECLINED = "card_declined", 402, "The card was declined; the held slot stays held."
    NO_RECEIPT = "no_receipt", 404, "No receipt: the payment has not gone through."
    BOOKING_NOT_CHARGEABLE = (
        "booking_not_chargeable",
        409,
        "The booking's status does not allow this charge or card.",
    )
    ALREADY_CHARGED = "already_charged", 409, "That charge was already made."
    NOT_AWAITING_PAYMENT = "not_awaiting_payment", 409, "The booking is not awaiting payment."
    HOLD_EXPIRED = "hold_expired", 409, "The held time ran out; choose the time again."
    REFUND_EXCEEDS_CAPTURED = (
        "refund_exceeds_captured",
        409,
        "The refund is more than what was captured and not yet refunded.",
    )
    LINK_INVALID = (
        "payment_link_invalid",
        404,
        "The payment link is not valid here (tampered, unknown, or another clinic's).",
    )
    LINK_CLOSED = (
        "payment_link_closed",
        410,
        "The payment link was cancelled, has expired or was already paid.",
    )
    LINK_OPEN = (
        "payment_link_open",
        409,
        "An unpaid payment link for this charge is already open: cancel it first.",
    )
    LINK_CHANNEL = (
        "payment_link_channel",
        400,
        "The client cannot be reached by the chosen channel (no email, no mobile number, "
        "or SMS turned off).",
    )
    PAYMENT_PROVIDER_ERROR = (
        "payment_provider_error",
        502,
        "Stripe could not be reached; try again in a moment.",
    )


class PaymentError(DomainError):
    """A payment rule refused the request (400 unless said otherwise)."""

    code = PaymentErrorCode.PAYMENT_INVALID


class CardDeclinedError(PaymentError):
    """The card was declined: the message is Stripe's, in plain words; the hold stays."""

    code = PaymentErrorCode.CARD_DECLINED


class RefundTooLargeError(PaymentError):
    code = PaymentErrorCode.REFUND_EXCEEDS_CAPTURED


def provider_error(exc) -> PaymentError:
    """Stripe could not be reached or refused for a reason the patient cannot fix."""
    import logging

    logging.getLogger("payments").warning("Stripe error: %s", exc)
    return PaymentError(
        _("The payment provider could not be reached. Please try again in a moment."),
        code=PaymentErrorCode.PAYMENT_PROVIDER_ERROR,
    )
