"""Loyalty data. One module per concern (ledger, rewards, games…); this package
re-exports the models so `from loyalty.models import X` keeps working."""

from .games import (
    Eligibility,
    Game,
    GameKind,
    GamePlay,
    GamePrize,
    PlayLimitPeriod,
    PrizeKind,
)
from .ledger import (
    AppendOnlyError,
    EntryKind,
    LedgerEntry,
    LedgerEntryQuerySet,
    LoyaltyAccount,
    LoyaltyProgramme,
    LoyaltyUnit,
    unit_label,
)
from .referrals import Referral, ReferralCode
from .rewards import (
    RequestStatus,
    Reward,
    RewardKind,
    RewardRequest,
    Voucher,
    VoucherStatus,
)
from .tiers import Tier

__all__ = [
    "unit_label",
    "Eligibility",
    "Game",
    "GameKind",
    "GamePlay",
    "GamePrize",
    "PlayLimitPeriod",
    "PrizeKind",
    "AppendOnlyError",
    "EntryKind",
    "LedgerEntry",
    "LedgerEntryQuerySet",
    "LoyaltyAccount",
    "LoyaltyProgramme",
    "LoyaltyUnit",
    "Referral",
    "ReferralCode",
    "RequestStatus",
    "Reward",
    "RewardKind",
    "RewardRequest",
    "Tier",
    "Voucher",
    "VoucherStatus",
]
