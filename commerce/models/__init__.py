"""What patients buy besides a single appointment: packages (courses of sessions), gift
cards, and the purchase (and its payment) behind each sale."""

from commerce.models.giftcards import GiftCard, GiftCardEntry, GiftEntryKind
from commerce.models.memberships import (
    BillingInterval,
    CreditKind,
    Membership,
    MembershipEntry,
    MembershipPlan,
    MembershipStatus,
)
from commerce.models.packages import EntryKind, Package, PackageEntry, PackagePlan
from commerce.models.purchases import (
    Purchase,
    PurchaseKind,
    PurchaseMethod,
    PurchaseRefund,
    PurchaseStatus,
)

__all__ = [
    "BillingInterval",
    "CreditKind",
    "Membership",
    "MembershipEntry",
    "MembershipPlan",
    "MembershipStatus",
    "EntryKind",
    "GiftCard",
    "GiftCardEntry",
    "GiftEntryKind",
    "Package",
    "PackageEntry",
    "PackagePlan",
    "Purchase",
    "PurchaseKind",
    "PurchaseMethod",
    "PurchaseRefund",
    "PurchaseStatus",
]
