"""Tier status: points earned in a rolling 12 months against the clinic's tiers."""

import datetime
from dataclasses import dataclass

from django.db.models import Q, Subquery, Sum
from django.utils import timezone

from loyalty.models import EntryKind, LedgerEntry, Tier

WINDOW = datetime.timedelta(days=365)


@dataclass(frozen=True)
class TierStatus:
    tier: Tier | None
    next_tier: Tier | None
    earned: int  # in the last 12 months, net of reversed earnings
    to_next: int  # points still to earn for the next tier (0 at the top)
    progress: int  # percent of the way from this tier to the next (100 at the top)


def _earnings(since):
    """Points earned since ``since``, net of reversed earnings (an aggregate)."""
    return Sum(
        "amount",
        filter=Q(created_at__gte=since)
        & (Q(kind=EntryKind.EARN) | Q(kind=EntryKind.REVERSAL, reverses__kind=EntryKind.EARN)),
    )


def earned_in_window(clinic, client, *, now=None) -> int:
    """Points earned in the last 12 months; a reversed earning does not count."""
    since = (now or timezone.now()) - WINDOW
    entries = LedgerEntry.objects.filter(clinic=clinic, client=client, created_at__gte=since)
    total = entries.aggregate(earned=_earnings(since))["earned"]
    return max(total or 0, 0)


def tier_status(clinic, client, *, now=None, tiers=None) -> TierStatus:
    """The client's tier and progress to the next (two queries; pass ``tiers`` to
    share one list across clients)."""
    if tiers is None:
        tiers = list(Tier.objects.filter(clinic=clinic).order_by("threshold"))
    return tier_from(tiers, earned_in_window(clinic, client, now=now))


def balance_and_tier_status(clinic, client, *, now=None) -> tuple[int, TierStatus]:
    """``(balance, tier status)``, what ``loyalty.selectors.balance`` and ``tier_status``
    say, in two queries instead of three: the tiers, and the newest ledger entry (the
    balance) carrying the window's earnings as a scalar subquery. No entry: nothing
    earned, a balance of 0."""
    tiers = list(Tier.objects.filter(clinic=clinic).order_by("threshold"))
    since = (now or timezone.now()) - WINDOW
    entries = LedgerEntry.objects.filter(clinic=clinic, client=client)
    earned = (
        entries.filter(created_at__gte=since)
        .order_by()
        .values("client_id")  # one group: the aggregate stays a scalar subquery
        .annotate(earned=_earnings(since))
        .values("earned")
    )
    row = (
        entries.order_by("-id")
        .annotate(earned=Subquery(earned))
        .values_list("balance_after", "earned")
        .first()
    )
    balance, total = row if row else (0, 0)
    return balance or 0, tier_from(tiers, max(total or 0, 0))


def tier_from(tiers, earned) -> TierStatus:
    """The status for ``earned`` points against ``tiers`` (ordered by threshold)."""
    reached = [t for t in tiers if t.threshold <= earned]
    ahead = [t for t in tiers if t.threshold > earned]
    tier = reached[-1] if reached else None
    next_tier = ahead[0] if ahead else None
    if next_tier is None:
        return TierStatus(tier, None, earned, 0, 100)
    floor = tier.threshold if tier else 0
    span = next_tier.threshold - floor
    progress = min(100, (earned - floor) * 100 // span) if span else 100
    return TierStatus(tier, next_tier, earned, next_tier.threshold - earned, progress)
