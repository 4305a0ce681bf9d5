"""Reads for the portal dashboard's loyalty cards, in as few queries as the dashboard's
budget needs: the rewards card in three (balance, 12-month earnings and unit name in one
annotated row; the tiers; the next reward), the referrals card in one."""

from dataclasses import dataclass

from django.db.models import Count, IntegerField, OuterRef, Q, Subquery, Sum
from django.db.models.functions import Coalesce
from django.utils import timezone

from loyalty.models import (
    EntryKind,
    LedgerEntry,
    LoyaltyProgramme,
    ReferralCode,
    Reward,
    Tier,
    unit_label,
)
from loyalty.rewards.selectors import available_rewards_q, clinic_today
from loyalty.tiers import WINDOW, TierStatus, tier_from
from people.models import ClientAccount


@dataclass(frozen=True)
class RewardsCard:
    balance: int
    unit_name: str
    status: TierStatus
    next_reward: Reward | None  # the cheapest reward not yet affordable
    ready_reward: Reward | None  # the dearest reward affordable now


@dataclass(frozen=True)
class ReferralsCard:
    code: str
    joined: int
    earned: int


def rewards_card(clinic, client, *, now=None) -> RewardsCard | None:
    if client is None:
        return None
    now = now or timezone.now()
    entries = LedgerEntry.objects.filter(clinic=clinic, client=OuterRef("pk"))
    earned = (
        entries.filter(created_at__gte=now - WINDOW)
        .filter(Q(kind=EntryKind.EARN) | Q(kind=EntryKind.REVERSAL, reverses__kind=EntryKind.EARN))
        .values("client")
        .annotate(total=Sum("amount"))
        .values("total")
    )
    row = (
        ClientAccount.objects.filter(pk=client.pk)
        .annotate(
            points=Coalesce(Subquery(entries.order_by("-id").values("balance_after")[:1]), 0),
            earned=Coalesce(Subquery(earned, output_field=IntegerField()), 0),
            unit_name=Subquery(
                LoyaltyProgramme.objects.filter(clinic=clinic).values("unit_name")[:1]
            ),
        )
        .values("points", "earned", "unit_name")
        .get()
    )
    points = row["points"]
    tiers = list(Tier.objects.filter(clinic=clinic).order_by("threshold"))
    # A catalogue is a handful of rows: one query, then pick in Python.
    catalogue = list(
        Reward.objects.filter(Q(clinic=clinic) & available_rewards_q(clinic_today(clinic)))
        .only("id", "name", "cost")
        .order_by("cost")
    )
    next_reward = next((r for r in catalogue if r.cost > points), None)
    ready = next((r for r in reversed(catalogue) if r.cost <= points), None)
    return RewardsCard(
        balance=points,
        unit_name=unit_label(row["unit_name"]),
        status=tier_from(tiers, max(row["earned"], 0)),
        next_reward=next_reward,
        ready_reward=ready,
    )


def referrals_card(clinic, client) -> ReferralsCard | None:
    """The client's code with who joined and what was earned (one query); None until
    they have a code (the card then just invites them)."""
    if client is None:
        return None
    row = (
        ReferralCode.objects.filter(clinic=clinic, client=client)
        .annotate(
            joined=Count("client__referrals_made"),
            earned=Coalesce(
                Sum(
                    "client__referrals_made__points",
                    filter=Q(client__referrals_made__rewarded_at__isnull=False),
                ),
                0,
            ),
        )
        .values("code", "joined", "earned")
        .first()
    )
    return ReferralsCard(**row) if row else None
