"""Commerce's error type and the codes it raises (see branding.errors.ErrorCode)."""

from django.utils.translation import gettext as _

from branding.errors import DomainError, ErrorCode, NotAllowedError
from people.selectors import clinic_role_for_user


class CommerceErrorCode(ErrorCode):
    COMMERCE = "commerce", 400, "A shop rule refused the request (the message says which)."
    PLAN_UNAVAILABLE = "plan_unavailable", 400, "The package is not on sale at this clinic."
    PACKAGE_UNUSABLE = (
        "package_unusable",
        400,
        "The package is spent, expired, cancelled, another client's or does not include "
        "the service.",
    )
    PURCHASE_NOT_PAYABLE = (
        "purchase_not_payable",
        409,
        "The purchase is paid, cancelled or failed already.",
    )
    SESSIONS_INVALID = (
        "sessions_invalid",
        400,
        "The change in sessions is zero, or would take the balance below zero.",
    )
    REFUND_INVALID = (
        "refund_invalid",
        400,
        "The refund is zero, more than what was paid and not yet refunded, or the "
        "purchase is not paid.",
    )
    GIFT_CARD_UNUSABLE = (
        "gift_card_unusable",
        400,
        "The gift card code is unknown here, voided, not yet delivered or spent.",
    )
    GIFT_CARD_INVALID = (
        "gift_card_invalid",
        400,
        "A gift card's amount, recipient or delivery date is not valid (names the field).",
    )
    TOO_MANY_LOOKUPS = (
        "too_many_lookups",
        429,
        "Too many gift card balance look-ups: wait and try again.",
    )
    REASON_REQUIRED = "reason_required", 400, "Staff changes need a reason."
    OTHER_CLINIC = "other_clinic", 400, "The client belongs to another clinic."
    CARD_NEEDS_AUTHENTICATION = (
        "card_needs_authentication",
        402,
        "The card's bank asks the patient to confirm the membership's first payment, which "
        "joining cannot do yet: nothing was kept; another card may be used.",
    )
    CARD_UNUSABLE = (
        "card_unusable",
        400,
        "That card cannot be used for the membership (none chosen, another person's, or "
        "refused by Stripe).",
    )
    INSTALLMENTS_INVALID = (
        "installments_invalid",
        400,
        "Installments are not offered for this purchase, the number or card is not one "
        "offered, or the installment cannot be tried again (names the field).",
    )
    ORDER_INVALID = (
        "order_invalid",
        400,
        "The order is empty, names a product not on sale at this clinic or a quantity "
        "out of range (names the field).",
    )
    OUT_OF_STOCK = (
        "out_of_stock",
        409,
        "Fewer of the product are in stock than were ordered (field `quantity`).",
    )
    NOT_YOUR_PET = (
        "not_your_pet",
        400,
        "The pet is not one of the client's own (field `pet`), or a refill needs one.",
    )
    ORDER_STATE = (
        "order_state",
        409,
        "The order cannot take this step from where it is (e.g. fulfil before ready, "
        "ready before a refill is approved).",
    )
    ORDER_UNKNOWN = "order_unknown", 404, "No such order at this clinic."
    MEMBERSHIP_PLAN_UNAVAILABLE = (
        "membership_plan_unavailable",
        400,
        "The membership plan is not on sale at this clinic.",
    )
    AGREEMENT_UNSIGNED = (
        "agreement_unsigned",
        400,
        "The membership agreement must be signed before joining (nothing was charged).",
    )
    ALREADY_MEMBER = "already_member", 409, "The client already has this membership."
    MEMBERSHIP_CREDIT_UNUSABLE = (
        "membership_credit_unusable",
        400,
        "The membership is paused, ended, another client's, has no credits left or does "
        "not include the service.",
    )
    MEMBERSHIP_NOT_CANCELLABLE = (
        "membership_not_cancellable",
        403,
        "The clinic does not let members cancel online, or the membership has ended.",
    )

    CHECKOUT_CLOSED = (
        "checkout_closed",
        409,
        "The desk checkout is completed already (another member of staff may have "
        "completed it), or the visit cannot be checked out (cancelled, refunded).",
    )
    CHECKOUT_UNSETTLED = (
        "checkout_unsettled",
        409,
        "The desk checkout still has money due (leave it as a balance due to complete), "
        "or a card payment is still under way.",
    )
    TENDER_INVALID = (
        "tender_invalid",
        400,
        "The tender is zero, more than what is still due, or of an unknown kind; or the "
        "tip is below zero or below what was already taken for it (names the field).",
    )
    CREDIT_MANAGER_ONLY = (
        "credit_manager_only",
        403,
        "Only a manager adds package sessions or membership credits; the front desk may "
        "take them off (field `amount`).",
    )
    PRICE_BELOW_PAID = (
        "price_below_paid",
        400,
        "The visit's new price is below what was already paid for it (field `price`).",
    )


class CommerceError(DomainError):
    code = CommerceErrorCode.COMMERCE


def staff_reason(reason) -> str:
    """The reason staff give for changing a balance by hand: required, trimmed."""
    reason = (reason or "").strip()
    if not reason:
        raise CommerceError(
            _("Give a reason."), field="reason", code=CommerceErrorCode.REASON_REQUIRED
        )
    return reason


def staff_credit_check(clinic, actor, amount) -> None:
    """Adding package sessions or membership credits by hand gives away visits: a
    manager's decision. Taking them off (one used outside the portal) stays the front
    desk's."""
    if amount > 0 and clinic_role_for_user(clinic, actor) != "manager":
        raise NotAllowedError(
            _("Only a manager can add sessions or credits; the front desk can take them off."),
            field="amount",
            code=CommerceErrorCode.CREDIT_MANAGER_ONLY,
        )
