"""Reads of the loyalty ledger, clinic first."""

from loyalty.models import LedgerEntry, LoyaltyProgramme


def programme_for(clinic) -> LoyaltyProgramme:
    """The clinic's programme, or an unsaved default (points) when none is set up."""
    return LoyaltyProgramme.objects.filter(clinic=clinic).first() or LoyaltyProgramme(clinic=clinic)


def balance(clinic, client) -> int:
    """The client's balance: ``balance_after`` of their newest entry (one query)."""
    value = (
        LedgerEntry.objects.filter(clinic=clinic, client=client)
        .order_by("-id")
        .values_list("balance_after", flat=True)
        .first()
    )
    return value or 0


def history(clinic, client):
    """The client's entries at this clinic, newest first."""
    return LedgerEntry.objects.filter(clinic=clinic, client=client).order_by("-id")
