"""Reads of gift cards, clinic first."""

import re

from django.db.models import OuterRef, Q, Subquery, Sum

from commerce.models import GiftCard, GiftCardEntry


def normalise_code(text) -> str:
    """What people type ("glow-ab12 cd34…") as stored: upper case, letters and digits."""
    return re.sub(r"[^A-Z0-9]", "", str(text or "").upper())[:32]


def gift_card_balance(card) -> int:
    newest = (
        GiftCardEntry.objects.filter(gift_card=card)
        .order_by("-id")
        .values_list("balance_after", flat=True)
        .first()
    )
    return newest or 0


def _with_balance(queryset):
    newest = GiftCardEntry.objects.filter(gift_card=OuterRef("pk")).order_by("-id")
    return queryset.annotate(balance=Subquery(newest.values("balance_after")[:1]))


def gift_card_by_code(clinic, code):
    """The clinic's issued gift card with this code, with ``balance``, or None (another
    clinic's code is unknown here)."""
    code = normalise_code(code)
    if not code:
        return None
    return (
        _with_balance(GiftCard.objects.filter(clinic=clinic, code=code, issued_at__isnull=False))
        .select_related("clinic")
        .first()
    )


def gift_cards_bought_by(clinic, client):
    return list(
        _with_balance(
            GiftCard.objects.filter(clinic=clinic, purchaser=client, issued_at__isnull=False)
        )
    )


def client_gift_cards_with_balance(clinic, client):
    """Issued, not voided gift cards the client bought or was given (by their email),
    with money left on them, each with ``balance``: one query."""
    email = client.user.email
    mine = Q(purchaser=client) | (Q(recipient_email__iexact=email) if email else Q(pk__in=[]))
    cards = _with_balance(
        GiftCard.objects.filter(clinic=clinic, issued_at__isnull=False, voided_at__isnull=True)
        .filter(mine)
        .order_by("-issued_at", "-pk")
    )
    return [card for card in cards if card.balance]


def gift_cards_for_staff(clinic):
    return _with_balance(GiftCard.objects.filter(clinic=clinic, issued_at__isnull=False))


def gift_card_entries(clinic, card):
    return list(GiftCardEntry.objects.filter(clinic=clinic, gift_card=card).select_related("actor"))


def gift_card_liability(clinic) -> int:
    """What the clinic owes on its gift cards: the sum of every issued card's balance
    (minor units, the clinic's currency). Two queries whatever the number of cards, for
    the reports."""
    newest = GiftCardEntry.objects.filter(gift_card=OuterRef("pk")).order_by("-id")
    return (
        GiftCard.objects.filter(clinic=clinic, issued_at__isnull=False)
        .annotate(balance=Subquery(newest.values("balance_after")[:1]))
        .aggregate(total=Sum("balance"))["total"]
        or 0
    )
