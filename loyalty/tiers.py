"""Tier status: points earned in a rolling 12 months against the clinic's tiers."""

import datetime
from dataclasses import dataclass

from django.db.models import Q, Sum
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


def earned_in_window(clinic, client, *, now=None) -> int:
    """Points earned in the last 12 months; a reversed earning does not count."""
    since = (now or timezone.now()) - WINDOW
    entries = LedgerEntry.objects.filter(clinic=clinic, client=client, created_at__gte=since)
    total = entries.aggregate(
        earned=Sum(
            "amount",
            filter=Q(kind=EntryKind.EARN)
            | Q(kind=EntryKind.REVERSAL, reverses__kind=EntryKind.EARN),
        )
    )["earned"]
    return max(total or 0, 0)


def tier_status(clinic, client, *, now=None, tiers=None) -> TierStatus:
    """The client's tier and progress to the next (two queries; pass ``tiers`` to
    share one list across clients)."""
    if tiers is None:
        tiers = list(Tier.objects.filter(clinic=clinic).order_by("threshold"))
    return tier_from(tiers, earned_in_window(clinic, client, now=now))


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
