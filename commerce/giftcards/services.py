"""Every write to gift cards and their balance ledger.

A card is bought in the portal or app (``gift_card_buy_start``: the purchase and its
PaymentIntent; the card is issued when the payment succeeds) or issued by staff; it is
emailed to its recipient on its delivery date with its code and a PDF; it is spent at
a booking's checkout through ``payments.discounts`` (``commerce.giftcards.checkout``).

Each ledger write locks the card's row first (``select_for_update``), then reads the
newest balance, so two checkouts spending the same card queue and the balance never
goes below zero (a CheckConstraint backs it up). Entries are append-only and keyed.
"""

import datetime
import secrets
import zoneinfo

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from branding.errors import FeatureDisabledError
from branding.money import format_money
from branding.selectors import feature_enabled
from branding.validators import name_is_clean
from commerce.errors import CommerceError, CommerceErrorCode
from commerce.giftcards.selectors import gift_card_balance
from commerce.models import (
    GiftCard,
    GiftCardEntry,
    GiftEntryKind,
    PurchaseKind,
    PurchaseMethod,
)
from commerce.purchases import purchase_create, purchase_intent_start
from notifications.models import Category, Channel
from notifications.services import notify
from people.models import AuditAction
from people.services import audit_record

FEATURE = "gift_cards"
MIN_AMOUNT = 500  # minor units
MAX_AMOUNT = 100_000
DELIVERY_MAX_DAYS = 365
CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no I, O, 0, 1: read aloud at the desk
CODE_LENGTH = 16


def _today(clinic):
    return timezone.localdate(timezone.now(), zoneinfo.ZoneInfo(clinic.timezone))


def _invalid(message, field):
    return CommerceError(message, field=field, code=CommerceErrorCode.GIFT_CARD_INVALID)


def _feature_on(clinic):
    if not feature_enabled(clinic, FEATURE):
        raise FeatureDisabledError(_("This clinic does not sell gift cards."))


def _details(clinic, *, amount, recipient_name, recipient_email, message, deliver_on):
    """The card's details checked, each refusal naming its field."""
    if (
        isinstance(amount, bool)
        or not isinstance(amount, int)
        or not (MIN_AMOUNT <= amount <= MAX_AMOUNT)
    ):
        raise _invalid(
            _("Choose an amount between %(low)s and %(high)s.")
            % {
                "low": format_money(MIN_AMOUNT, clinic.currency),
                "high": format_money(MAX_AMOUNT, clinic.currency),
            },
            "amount",
        )
    name = (recipient_name or "").strip()
    if not name or len(name) > 120 or not name_is_clean(name):
        raise _invalid(_("Enter the recipient's name."), "recipient_name")
    email = (recipient_email or "").strip()
    try:
        validate_email(email)
    except ValidationError as exc:
        raise _invalid(_("Enter the recipient's email address."), "recipient_email") from exc
    message = (message or "").strip()
    if len(message) > 500:
        raise _invalid(_("Keep the message under 500 characters."), "message")
    today = _today(clinic)
    deliver_on = deliver_on or today
    if not (today <= deliver_on <= today + datetime.timedelta(days=DELIVERY_MAX_DAYS)):
        raise _invalid(_("Choose a delivery date from today to a year ahead."), "deliver_on")
    return {
        "amount": amount,
        "recipient_name": name,
        "recipient_email": email,
        "message": message,
        "deliver_on": deliver_on,
    }


def _new_code():
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


@transaction.atomic
def gift_card_buy_start(
    *, clinic, client, amount, recipient_name, recipient_email, message="", deliver_on=None
):
    """A patient buys a gift card: the card (not yet issued), its purchase and the
    PaymentIntent. Paying issues it (``gift_card_issue``)."""
    _feature_on(clinic)
    details = _details(
        clinic,
        amount=amount,
        recipient_name=recipient_name,
        recipient_email=recipient_email,
        message=message,
        deliver_on=deliver_on,
    )
    purchase = purchase_create(
        clinic=clinic,
        client=client,
        kind=PurchaseKind.GIFT_CARD,
        description=_("Gift card for %(name)s") % {"name": details["recipient_name"]},
        amount=details["amount"],
        method=PurchaseMethod.CARD,
    )
    GiftCard.objects.create(
        clinic=clinic,
        code=_new_code(),
        currency=clinic.currency,
        purchaser=client,
        purchase=purchase,
        **details,
    )
    return purchase_intent_start(purchase)


def _post(*, card, kind, amount, key, reason="", actor=None, payment=None, payment_id=None):
    """Append one entry under the card's lock; a repeated key writes nothing more."""
    GiftCard.objects.select_for_update().filter(pk=card.pk).first()
    existing = GiftCardEntry.objects.filter(idempotency_key=key).first()
    if existing is not None:
        return existing
    balance = gift_card_balance(card)
    if balance + amount < 0:
        raise CommerceError(
            _("The gift card has %(balance)s left.")
            % {"balance": format_money(balance, card.currency)},
            field="amount",
            code=CommerceErrorCode.GIFT_CARD_UNUSABLE,
        )
    return GiftCardEntry.objects.create(
        clinic_id=card.clinic_id,
        gift_card=card,
        kind=kind,
        amount=amount,
        balance_after=balance + amount,
        payment_id=payment.pk if payment is not None else payment_id,
        reason=str(reason)[:300],
        actor=actor if getattr(actor, "pk", None) else None,
        idempotency_key=key,
    )


def _issue(card, actor=None):
    card.issued_at = card.issued_at or timezone.now()
    card.save(update_fields=["issued_at"])
    _post(
        card=card,
        kind=GiftEntryKind.ISSUE,
        amount=card.amount,
        key=f"gift-{card.pk}-issue",
        reason=_("Issued"),
        actor=actor,
    )
    if card.deliver_on <= _today(card.clinic):
        transaction.on_commit(lambda: _queue_delivery(card.pk))


def _queue_delivery(card_id):
    from commerce import tasks

    tasks.queue("deliver_gift_card", card_id)


def gift_card_issue(*, purchase):
    """The card a paid purchase gives, issued once (inside the purchase's transaction)."""
    card = GiftCard.objects.select_for_update().get(purchase=purchase)
    if card.issued_at is None:
        _issue(card)
    return card


@transaction.atomic
def gift_card_staff_issue(
    *,
    clinic,
    actor,
    amount,
    recipient_name,
    recipient_email,
    reason,
    message="",
    deliver_on=None,
    request=None,
):
    """Staff issue a card (a goodwill gesture, a card sold by other means), audited."""
    reason = _reason(reason)
    _feature_on(clinic)
    details = _details(
        clinic,
        amount=amount,
        recipient_name=recipient_name,
        recipient_email=recipient_email,
        message=message,
        deliver_on=deliver_on,
    )
    card = GiftCard.objects.create(
        clinic=clinic, code=_new_code(), currency=clinic.currency, issued_by=actor, **details
    )
    _issue(card, actor)
    audit_record(
        clinic=clinic,
        actor=actor,
        action=AuditAction.CREATE,
        summary=(
            f"Issued gift card {card.masked_code} of {format_money(card.amount, card.currency)} "
            f"to {card.recipient_email} ({reason})"
        ),
        request=request,
    )
    return card


def _reason(reason):
    reason = (reason or "").strip()
    if not reason:
        raise CommerceError(
            _("Give a reason."), field="reason", code=CommerceErrorCode.REASON_REQUIRED
        )
    return reason


def _staff_card(clinic, card_id):
    card = (
        GiftCard.objects.select_for_update()
        .filter(clinic=clinic, pk=card_id, issued_at__isnull=False)
        .first()
    )
    if card is None:
        raise CommerceError(
            _("No such gift card here."),
            field="gift_card",
            code=CommerceErrorCode.GIFT_CARD_UNUSABLE,
        )
    return card


@transaction.atomic
def gift_card_void(*, clinic, card_id, actor, reason, request=None):
    """Staff void a card: its balance goes to zero and it can no longer be spent."""
    reason = _reason(reason)
    card = _staff_card(clinic, card_id)
    if card.voided_at is not None:
        raise CommerceError(
            _("This gift card is already void."),
            field="gift_card",
            code=CommerceErrorCode.GIFT_CARD_UNUSABLE,
        )
    balance = gift_card_balance(card)
    if balance:
        _post(
            card=card,
            kind=GiftEntryKind.VOID,
            amount=-balance,
            key=f"gift-{card.pk}-void",
            reason=reason,
            actor=actor,
        )
    card.voided_at = timezone.now()
    card.save(update_fields=["voided_at"])
    audit_record(
        clinic=clinic,
        actor=actor,
        action=AuditAction.CHANGE,
        client=card.purchaser,
        summary=f"Voided gift card {card.masked_code} ({reason})",
        changes={"balance": [balance, 0]},
        request=request,
    )
    return card


@transaction.atomic
def gift_card_adjust(*, clinic, card_id, amount, actor, reason, request=None):
    """Staff add to or take from a card's balance with a reason (audited, never < 0)."""
    reason = _reason(reason)
    card = _staff_card(clinic, card_id)
    if card.voided_at is not None:
        raise CommerceError(
            _("This gift card is void."),
            field="gift_card",
            code=CommerceErrorCode.GIFT_CARD_UNUSABLE,
        )
    if isinstance(amount, bool) or not isinstance(amount, int) or amount == 0:
        raise _invalid(_("Enter an amount other than zero."), "amount")
    n = GiftCardEntry.objects.filter(gift_card=card, kind=GiftEntryKind.ADJUST).count() + 1
    entry = _post(
        card=card,
        kind=GiftEntryKind.ADJUST,
        amount=amount,
        key=f"gift-{card.pk}-adjust-{n}",
        reason=reason,
        actor=actor,
    )
    audit_record(
        clinic=clinic,
        actor=actor,
        action=AuditAction.CHANGE,
        client=card.purchaser,
        summary=f"Gift card {card.masked_code}: {amount:+d} ({reason})",
        changes={"balance": [entry.balance_after - amount, entry.balance_after]},
        request=request,
    )
    return entry


def gift_card_deliver(*, card_id):
    """Email the card to its recipient, once (the notification's key), with its code and
    a PDF of the card, on behalf of its buyer (or the staff member who issued it)."""
    from commerce.giftcards.pdf import gift_card_pdf

    card = GiftCard.objects.select_related("clinic", "purchaser__user", "issued_by").get(pk=card_id)
    if card.issued_at is None or card.voided_at is not None:
        return None
    if card.deliver_on > _today(card.clinic):
        return None
    sender = card.purchaser.user if card.purchaser else card.issued_by
    if sender is None:
        return None
    clinic = card.clinic
    with translation.override(clinic.language or "en"):
        pdf = gift_card_pdf(card)
        title = _("A gift card for you from %(clinic)s") % {"clinic": clinic.name}
        body = _(
            "%(name)s, you have a gift card of %(amount)s to spend at %(clinic)s. "
            "Your code: %(code)s"
        ) % {
            "name": card.recipient_name,
            "amount": format_money(card.amount, card.currency),
            "clinic": clinic.name,
            "code": card.printed_code,
        }
        if card.message:
            body = f"{body}\n\n{card.message}"
    notification = notify(
        clinic=clinic,
        user=sender,
        kind="gift_card_delivery",
        category=Category.ACCOUNT,
        channels=[Channel.EMAIL],
        title=title,
        body=body,
        idempotency_key=f"gift-card-{card.pk}-delivery",
        attachments=[(f"gift-card-{card.code[-4:].lower()}.pdf", pdf, "application/pdf")],
        email_to=card.recipient_email,
    )
    GiftCard.objects.filter(pk=card.pk, delivered_at__isnull=True).update(
        delivered_at=timezone.now()
    )
    return notification


def gift_cards_deliver_due():
    """The scheduled job: deliver every issued card whose day has come (in its clinic's
    time zone). Safe to run twice: each card is emailed once."""
    due = GiftCard.objects.filter(
        issued_at__isnull=False,
        delivered_at__isnull=True,
        voided_at__isnull=True,
        deliver_on__lte=timezone.now().date() + datetime.timedelta(days=1),
    ).values_list("pk", flat=True)
    return [card_id for card_id in due if gift_card_deliver(card_id=card_id)]


@transaction.atomic
def gift_card_after_cancel(*, booking_id):
    """A booking a gift card paid towards was cancelled: what the card paid goes back to
    it when the cancellation came in time or was the clinic's (as a package's session
    does); a client's late cancellation keeps it spent. Unpaid payments give theirs
    back through ``release`` already. Idempotent."""
    from booking_api.lifecycle import BookingStatus
    from booking_api.models import Booking
    from booking_api.selectors import booking_last_move
    from commerce.giftcards import checkout
    from payments.models import Payment

    booking = Booking.objects.filter(pk=booking_id, status=BookingStatus.CANCELLED).first()
    if booking is None:
        return None
    event = booking_last_move(booking, BookingStatus.CANCELLED)
    data = (event.data or {}) if event else {}
    if data.get("late", True) and data.get("by_client", True):
        return None
    for payment in Payment.objects.filter(booking=booking).exclude(voucher_ref=""):
        checkout.refund_to_card(payment=payment, reason=_("Booking cancelled in time"))
    return booking


def gift_card_lookup(*, clinic, code, allowed):
    """A card's balance by its code, for whoever holds it. ``allowed`` is the caller's
    rate limiter's answer (look-ups by code are limited per client address): refused
    with 429 ``too_many_lookups``. An unknown, unpaid or another clinic's code is the
    same answer, naming ``code``."""
    from commerce.giftcards.selectors import gift_card_by_code

    if not feature_enabled(clinic, FEATURE):
        raise FeatureDisabledError(_("This clinic does not sell gift cards."))
    if not allowed:
        raise CommerceError(
            _("Too many look-ups. Please wait a minute and try again."),
            field="code",
            code=CommerceErrorCode.TOO_MANY_LOOKUPS,
        )
    card = gift_card_by_code(clinic, code)
    if card is None:
        raise CommerceError(
            _("There is no gift card with that code here."),
            field="code",
            code=CommerceErrorCode.GIFT_CARD_UNUSABLE,
        )
    return card
