"""A purchase: one sale to one client (a package, later a gift card or an order), paid
online through Stripe (``payments.charges``) or at the desk, with its refunds.

Amounts are integer minor units in the clinic's currency. Refunds never add up to more
than was paid (checked with the purchase row locked)."""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from branding.models import Clinic
from people.models import ClientAccount


class PurchaseKind(models.TextChoices):
    PACKAGE = "package", _("Package")
    GIFT_CARD = "gift_card", _("Gift card")
    ORDER = "order", _("Order")
    MEMBERSHIP = "membership", _("Membership")


class PurchaseMethod(models.TextChoices):
    CARD = "card", _("Card (online)")
    DESK = "desk", _("Paid at the desk")


class DeskSaleMethod(models.TextChoices):
    """How staff took the money for a sale at the desk (no Stripe call)."""

    CASH = "cash", _("Cash")
    TERMINAL = "terminal", _("External card terminal")


class PurchaseStatus(models.TextChoices):
    PENDING = "pending", _("Awaiting payment")
    REQUIRES_ACTION = "requires_action", _("Awaiting card authentication")
    PROCESSING = "processing", _("Processing")
    SUCCEEDED = "succeeded", _("Paid")
    FAILED = "failed", _("Failed")
    CANCELED = "canceled", _("Cancelled")


class Purchase(models.Model):
    clinic = models.ForeignKey(Clinic, on_delete=models.CASCADE, related_name="+")
    client = models.ForeignKey(ClientAccount, on_delete=models.PROTECT, related_name="purchases")
    reference = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    kind = models.CharField(max_length=16, choices=PurchaseKind.choices)
    description = models.CharField(max_length=200)
    plan = models.ForeignKey(
        "commerce.PackagePlan", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    amount = models.PositiveIntegerField(_("amount (minor units)"))
    currency = models.CharField(max_length=3)
    method = models.CharField(max_length=8, choices=PurchaseMethod.choices)
    # A desk sale: how the money was taken (staff choose; blank online).
    desk_method = models.CharField(max_length=16, choices=DeskSaleMethod.choices, blank=True)
    status = models.CharField(
        max_length=16, choices=PurchaseStatus.choices, default=PurchaseStatus.PENDING
    )
    amount_captured = models.PositiveIntegerField(default=0)
    stripe_payment_intent_id = models.CharField(max_length=255, blank=True, db_index=True)
    # A membership's paid Stripe invoice (the first month or a renewal): one purchase each.
    membership = models.ForeignKey(
        "commerce.Membership",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="purchases",
    )
    stripe_invoice_id = models.CharField(max_length=255, blank=True)
    idempotency_key = models.CharField(max_length=255, unique=True)
    confirm_attempts = models.PositiveIntegerField(default=0)
    last_error = models.TextField(blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    succeeded_at = models.DateTimeField(null=True, blank=True)
    # The receipt's number at this clinic (``GLOW-S12``), given once when the purchase is
    # paid (``commerce.purchases.purchase_receipt_number_issue``), never changed.
    receipt_number = models.CharField(max_length=80, blank=True, default="", editable=False)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["clinic", "receipt_number"],
                condition=~Q(receipt_number=""),
                name="commerce_one_purchase_per_receipt_number",
            ),
            models.UniqueConstraint(
                fields=["stripe_payment_intent_id"],
                condition=~Q(stripe_payment_intent_id=""),
                name="commerce_one_purchase_per_intent",
            ),
            models.CheckConstraint(
                condition=Q(amount_captured__lte=models.F("amount")),
                name="commerce_captured_at_most_amount",
            ),
        ]

    def __str__(self):
        return f"{self.description} ({self.get_status_display()})"

    @property
    def is_paid(self):
        return self.status == PurchaseStatus.SUCCEEDED


class PurchaseRefund(models.Model):
    purchase = models.ForeignKey(Purchase, on_delete=models.PROTECT, related_name="refunds")
    amount = models.PositiveIntegerField(_("amount (minor units)"))
    stripe_refund_id = models.CharField(max_length=255, blank=True)
    idempotency_key = models.CharField(max_length=255, unique=True)
    reason = models.CharField(max_length=300)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="commerce_refund_positive"),
        ]

    def __str__(self):
        return f"Refund {self.amount} on purchase {self.purchase_id}"
