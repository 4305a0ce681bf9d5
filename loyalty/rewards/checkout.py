"""Loyalty's side of the checkout seam (``payments.discounts``): the patient picks one of
their vouchers, payments asks us what it takes off, applying it reserves it for that
payment (so no other booking can apply it meanwhile), and only when the payment
succeeds is the voucher marked used; a payment that ends unpaid gives it back.
Registered from ``LoyaltyConfig.ready``."""

from django.utils.translation import gettext as _

from loyalty.errors import LoyaltyError
from loyalty.rewards.selectors import usable_vouchers, voucher_discount
from loyalty.rewards.services import (
    voucher_mark_used,
    voucher_quote,
    voucher_release,
    voucher_reserve,
)
from payments.selectors import payment_holds_voucher

PREFIX = "loyalty:"


def _ref(voucher):
    return f"{PREFIX}{voucher.code}"


def _label(voucher):
    return _("%(name)s (voucher %(code)s)") % {"name": voucher.name, "code": voucher.code}


def _code(voucher_ref):
    """The voucher code in one of our refs (codes are upper case, typed either way), or
    None for another provider's ref. Quotes and reservations answer with the canonical
    ref, ``_ref(voucher)``, which payments stores: one voucher, one spelling."""
    if not (voucher_ref or "").startswith(PREFIX):
        return None
    return voucher_ref[len(PREFIX) :].upper()


def _held_elsewhere(voucher, booking):
    """Reserved for another booking's payment that may still use it."""
    payment = voucher.reserved_payment
    if payment is None or payment.booking_id == booking.pk:
        return False
    return payment_holds_voucher(payment.pk, _ref(voucher))


def vouchers(*, booking):
    from payments.discounts import Voucher as Choice

    return [
        Choice(ref=_ref(voucher), label=_label(voucher))
        for voucher in usable_vouchers(booking.clinic, booking.client).select_related(
            "reserved_payment"
        )
        if voucher_discount(voucher, service_id=booking.service_id, amount=booking.price) > 0
        and not _held_elsewhere(voucher, booking)
    ]


def quote(*, booking, voucher_ref):
    from payments.discounts import DiscountQuote

    code = _code(voucher_ref)
    if code is None:
        return None
    try:
        voucher, amount = voucher_quote(
            clinic=booking.clinic,
            client=booking.client,
            code=code,
            service_id=booking.service_id,
            amount=booking.price,
        )
    except LoyaltyError:
        return None
    return DiscountQuote(voucher_ref=_ref(voucher), amount=amount, label=_label(voucher))


def reserve(*, booking, voucher_ref, payment):
    from payments.discounts import DiscountQuote

    code = _code(voucher_ref)
    if code is None:
        return None
    voucher, amount = voucher_reserve(
        clinic=booking.clinic,
        client=booking.client,
        code=code,
        payment_id=payment.pk,
        voucher_ref=PREFIX + code,
        service_id=booking.service_id,
        amount=booking.price,
    )
    return DiscountQuote(voucher_ref=_ref(voucher), amount=amount, label=_label(voucher))


def release(*, voucher_ref, payment):
    code = _code(voucher_ref)
    if code is None:
        return
    booking = payment.booking
    voucher_release(clinic=booking.clinic, client=booking.client, code=code, payment_id=payment.pk)


def on_payment_succeeded(*, voucher_ref, payment):
    code = _code(voucher_ref)
    if code is None:
        return
    booking = payment.booking
    voucher_mark_used(
        clinic=booking.clinic,
        client=booking.client,
        code=code,
        used_for=f"payment-{payment.pk}",
        payment_id=payment.pk,
        voucher_ref=PREFIX + code,
    )
