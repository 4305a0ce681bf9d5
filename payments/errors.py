from branding.errors import DomainError


class PaymentError(DomainError):
    """A payment rule refused the request (400 unless said otherwise)."""

    code = "payment_invalid"


class CardDeclinedError(PaymentError):
    """The card was declined: the message is Stripe's, in plain words; the hold stays."""

    status = 402
    code = "card_declined"


class RefundTooLargeError(PaymentError):
    status = 409
    code = "refund_exceeds_captured"


def provider_error(exc) -> PaymentError:
    """Stripe could not be reached or refused for a reason the patient cannot fix."""
    import logging

    logging.getLogger("payments").warning("Stripe error: %s", exc)
    return PaymentError(
        "The payment provider could not be reached. Please try again in a moment.",
        code="payment_provider_error",
        status=502,
    )
