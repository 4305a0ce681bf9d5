"""What patients buy besides a single appointment: packages (courses of sessions), gift
cards, orders of products, and the purchase (and its payment) behind each sale."""

from commerce.models.desk import (
    CheckoutStatus,
    DeskCheckout,
    DeskLine,
    DeskTender,
    TenderKind,
    TenderStatus,
)
from commerce.models.giftcards import GiftCard, GiftCardEntry, GiftEntryKind
from commerce.models.installments import (
    Installment,
    InstallmentPlan,
    InstallmentSettings,
    InstallmentStatus,
    PlanStatus,
)
from commerce.models.memberships import (
    BillingInterval,
    CreditKind,
    Membership,
    MembershipEntry,
    MembershipPlan,
    MembershipStatus,
)
from commerce.models.orders import (
    Order,
    OrderLine,
    OrderPayment,
    OrderStatus,
    Product,
    ProductKind,
)
from commerce.models.packages import EntryKind, Package, PackageEntry, PackagePlan
from commerce.models.purchases import (
    DeskSaleMethod,
    Purchase,
    PurchaseKind,
    PurchaseMethod,
    PurchaseRefund,
    PurchaseStatus,
)

__all__ = [
    "CheckoutStatus",
    "DeskCheckout",
    "DeskLine",
    "DeskTender",
    "TenderKind",
    "TenderStatus",
    "BillingInterval",
    "CreditKind",
    "EntryKind",
    "GiftCard",
    "GiftCardEntry",
    "GiftEntryKind",
    "Installment",
    "InstallmentPlan",
    "InstallmentSettings",
    "InstallmentStatus",
    "Membership",
    "MembershipEntry",
    "MembershipPlan",
    "MembershipStatus",
    "Order",
    "OrderLine",
    "OrderPayment",
    "OrderStatus",
    "Package",
    "PackageEntry",
    "PackagePlan",
    "PlanStatus",
    "Product",
    "ProductKind",
    "Purchase",
    "PurchaseKind",
    "DeskSaleMethod",
    "PurchaseMethod",
    "PurchaseRefund",
    "PurchaseStatus",
]
