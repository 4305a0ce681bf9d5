"""Gift cards at a booking's checkout, through ``payments.discounts``: the patient types
the code (refs ``commerce:gift:<code>``; cards are bearer cards of one clinic, never
listed), the card pays what it can of the price — the rest by card — and its balance
is taken under the card's lock when applied, so it is spent partially and across
bookings, and two checkouts can never spend the same money. Given back when the payment
no longer carries it (another choice, the booking cancelled unpaid), or a reservation
whose payment can no longer succeed is found (``payment_holds_voucher``)."""

from django.db import transaction
from django.db.models import Sum
from django.utils.translation import gettext as _

from branding.money import format_money
from branding.selectors import feature_enabled
from commerce.errors import CommerceError, CommerceErrorCode
from commerce.giftcards.selectors import gift_card_balance, gift_card_by_code, normalise_code
from commerce.giftcards.services import FEATURE, _post
from commerce.models import GiftCard, GiftCardEntry, GiftEntryKind
from payments.discounts import DiscountQuote
from payments.selectors import payment_holds_voucher

PREFIX = "commerce:gift:"


def ref_for(code) -> str:
    return f"{PREFIX}{normalise_code(code)}"


def _code(voucher_ref):
    if not str(voucher_ref).startswith(PREFIX):
        return None
    return normalise_code(str(voucher_ref)[len(PREFIX) :])


def _label(card):
    return _("Gift card %(code)s") % {"code": card.masked_code}


def _unusable(message):
    return CommerceError(message, field="voucher", code=CommerceErrorCode.GIFT_CARD_UNUSABLE)


def _held_by(card):
    """{payment id: amount} of the card's money reserved for payments now."""
    rows = (
        GiftCardEntry.objects.filter(gift_card=card, payment__isnull=False)
        .values("payment_id")
        .annotate(net=Sum("amount"))
    )
    return {r["payment_id"]: -r["net"] for r in rows if r["net"] < 0}


def _stale(card, voucher_ref):
    """Reservations whose payment can no longer use the card (cancelled, failed, its
    booking cancelled) and whose release was lost."""
    return {
        pid: amount
        for pid, amount in _held_by(card).items()
        if not payment_holds_voucher(pid, voucher_ref)
    }


def vouchers(*, booking):
    return []  # typed by the patient, never offered


def quote(*, booking, voucher_ref):
    code = _code(voucher_ref)
    if code is None:
        return None
    card = gift_card_by_code(booking.clinic, code)
    if card is None or card.voided_at is not None or not feature_enabled(booking.clinic, FEATURE):
        return None
    available = (card.balance or 0) + sum(_stale(card, ref_for(code)).values())
    if available <= 0:
        return None
    return DiscountQuote(ref_for(code), min(available, booking.price), _label(card))


@transaction.atomic
def reserve(*, booking, voucher_ref, payment):
    code = _code(voucher_ref)
    if code is None:
        return None
    ref = ref_for(code)
    card = gift_card_by_code(booking.clinic, code)
    if card is None or not feature_enabled(booking.clinic, FEATURE):
        raise _unusable(_("There is no gift card with that code here."))
    card = GiftCard.objects.select_for_update().get(pk=card.pk)
    if card.voided_at is not None:
        raise _unusable(_("This gift card has been cancelled."))
    held = _held_by(card)
    if payment.pk in held:  # applied again to the same payment: nothing more
        return DiscountQuote(ref, held[payment.pk], _label(card))
    for pid, amount in _stale(card, ref).items():
        _give_back(card, pid, amount, _("Payment not completed"))
    balance = gift_card_balance(card)
    if balance <= 0:
        raise _unusable(_("This gift card has been spent."))
    amount = min(balance, booking.price)
    n = GiftCardEntry.objects.filter(gift_card=card, payment_id=payment.pk).count() + 1
    _post(
        card=card,
        kind=GiftEntryKind.REDEEM,
        amount=-amount,
        key=f"payment-{payment.pk}-gift-{n}",
        reason=_("Booking %(service)s") % {"service": booking.service.name},
        payment=payment,
    )
    return DiscountQuote(ref, amount, _label(card))


def _give_back(card, payment_id, amount, reason):
    n = GiftCardEntry.objects.filter(gift_card=card, payment_id=payment_id).count() + 1
    return _post(
        card=card,
        kind=GiftEntryKind.RELEASE,
        amount=amount,
        key=f"payment-{payment_id}-gift-{n}",
        reason=reason,
        payment_id=payment_id,
    )


@transaction.atomic
def release(*, voucher_ref, payment):
    code = _code(voucher_ref)
    if code is None:
        return
    card = GiftCard.objects.filter(code=code, clinic_id=payment.clinic_id).first()
    if card is None:
        return
    card = GiftCard.objects.select_for_update().get(pk=card.pk)
    amount = _held_by(card).get(payment.pk)
    if amount:
        _give_back(card, payment.pk, amount, _("Not used for this booking"))


def on_payment_succeeded(*, voucher_ref, payment):
    """Nothing to do: the money left the card when it was applied."""
    return None


def refund_to_card(*, payment, reason):
    """Give back to the card what it paid towards ``payment`` (a booking cancelled in
    time). Idempotent: only what is still held goes back."""
    if not str(payment.voucher_ref).startswith(PREFIX):
        return None
    release(voucher_ref=payment.voucher_ref, payment=payment)
    return format_money(payment.discount, payment.currency)


def _desk_card(clinic, voucher_ref, limit):
    """The card of ``voucher_ref`` under its lock and what it can pay of ``limit``;
    refused naming ``voucher`` when unknown here, voided or spent."""
    code = _code(voucher_ref)
    card = gift_card_by_code(clinic, code) if code else None
    if card is None or not feature_enabled(clinic, FEATURE):
        raise _unusable(_("There is no gift card with that code here."))
    card = GiftCard.objects.select_for_update().get(pk=card.pk)
    if card.voided_at is not None:
        raise _unusable(_("This gift card has been cancelled."))
    amount = min(gift_card_balance(card), limit)
    if amount <= 0:
        raise _unusable(_("This gift card has been spent."))
    return card, amount


@transaction.atomic
def take_at_desk(*, clinic, voucher_ref, payment, limit):
    """At the desk checkout: take what the card holds, at most ``limit`` (what is still
    due for the visit), for ``payment`` (``payments.services.desk.desk_voucher_apply``),
    under the card's lock. Refused naming ``voucher`` when the card is unknown here,
    voided or spent."""
    card, amount = _desk_card(clinic, voucher_ref, limit)
    _post(
        card=card,
        kind=GiftEntryKind.REDEEM,
        amount=-amount,
        key=f"payment-{payment.pk}-gift-1",
        reason=_("Desk checkout"),
        payment=payment,
    )
    return DiscountQuote(ref_for(card.code), amount, _label(card))


@transaction.atomic
def take_for_products_at_desk(*, clinic, voucher_ref, key, limit, actor) -> DiscountQuote:
    """At the desk checkout, once nothing is due for the visit (a package covered it):
    the card pays what it can of the products still due (``limit``), under its lock. No
    booking payment: the card's money was counted when the card was sold."""
    card, amount = _desk_card(clinic, voucher_ref, limit)
    _post(
        card=card,
        kind=GiftEntryKind.REDEEM,
        amount=-amount,
        key=key,
        reason=_("Desk checkout: products"),
        actor=actor,
    )
    return DiscountQuote(ref_for(card.code), amount, _label(card))
