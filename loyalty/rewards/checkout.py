"""Loyalty's side of the checkout seam (``payments.discounts``): the patient picks one of
their vouchers, payments asks us what it takes off, and only when the payment succeeds
is the voucher marked used. Registered from ``LoyaltyConfig.ready``."""

from django.utils.translation import gettext as _

from loyalty.errors import LoyaltyError
from loyalty.rewards.selectors import usable_vouchers, voucher_discount
from loyalty.rewards.services import voucher_mark_used, voucher_quote

PREFIX = "loyalty:"


def _ref(voucher):
    return f"{PREFIX}{voucher.code}"


def _label(voucher):
    return _("%(name)s (voucher %(code)s)") % {"name": voucher.name, "code": voucher.code}


def vouchers(*, booking):
    from payments.discounts import Voucher as Choice

    return [
        Choice(ref=_ref(voucher), label=_label(voucher))
        for voucher in usable_vouchers(booking.clinic, booking.client)
        if voucher_discount(voucher, service_id=booking.service_id, amount=booking.price) > 0
    ]


def quote(*, booking, voucher_ref):
    from payments.discounts import DiscountQuote

    if not (voucher_ref or "").startswith(PREFIX):
        return None
    try:
        voucher, amount = voucher_quote(
            clinic=booking.clinic,
            client=booking.client,
            code=voucher_ref[len(PREFIX) :],
            service_id=booking.service_id,
            amount=booking.price,
        )
    except LoyaltyError:
        return None
    return DiscountQuote(voucher_ref=voucher_ref, amount=amount, label=_label(voucher))


def on_payment_succeeded(*, voucher_ref, payment):
    if not (voucher_ref or "").startswith(PREFIX):
        return
    booking = payment.booking
    voucher_mark_used(
        clinic=booking.clinic,
        client=booking.client,
        code=voucher_ref[len(PREFIX) :],
        used_for=f"payment-{payment.pk}",
    )
