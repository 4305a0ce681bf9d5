"""Gift cards: an amount bought for someone (or issued by staff), delivered by email with
a code on a chosen day, spent at checkout as a payment method, partially and across
bookings. The balance is a ledger like a package's: ``GiftCardEntry`` rows are never
changed or deleted, each carries ``balance_after`` (never negative), and every write
locks the card's row first (``commerce.giftcards.services``)."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from branding.models import Clinic
from people.models import ClientAccount
from people.models.append_only import AppendOnlyModel


class GiftCard(models.Model):
    clinic = models.ForeignKey(Clinic, on_delete=models.CASCADE, related_name="+")
    # Upper-case letters and digits without the dashes it is printed with.
    code = models.CharField(max_length=32, unique=True)
    amount = models.PositiveIntegerField(_("amount (minor units)"))
    currency = models.CharField(max_length=3)
    purchaser = models.ForeignKey(
        ClientAccount, null=True, blank=True, on_delete=models.PROTECT, related_name="gift_cards"
    )
    purchase = models.OneToOneField(
        "commerce.Purchase",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="gift_card",
    )
    recipient_name = models.CharField(_("recipient's name"), max_length=120)
    recipient_email = models.EmailField(_("recipient's email"))
    message = models.TextField(_("message"), blank=True, max_length=500)
    deliver_on = models.DateField(_("delivery date"))
    issued_at = models.DateTimeField(null=True, blank=True)  # paid for, or issued by staff
    delivered_at = models.DateTimeField(null=True, blank=True)
    voided_at = models.DateTimeField(null=True, blank=True)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="commerce_gift_amount_positive"),
        ]

    def __str__(self):
        return f"Gift card {self.masked_code}"

    @property
    def printed_code(self):
        return "-".join(self.code[i : i + 4] for i in range(0, len(self.code), 4))

    @property
    def masked_code(self):
        return f"•••• {self.code[-4:]}"


class GiftEntryKind(models.TextChoices):
    ISSUE = "issue", _("Issued")
    REDEEM = "redeem", _("Spent")
    RELEASE = "release", _("Given back")
    ADJUST = "adjust", _("Adjusted")
    VOID = "void", _("Voided")


class GiftCardEntry(AppendOnlyModel):
    clinic = models.ForeignKey(Clinic, on_delete=models.CASCADE, related_name="+")
    gift_card = models.ForeignKey(GiftCard, on_delete=models.PROTECT, related_name="entries")
    kind = models.CharField(max_length=8, choices=GiftEntryKind.choices)
    amount = models.IntegerField()
    balance_after = models.PositiveIntegerField()
    # The booking payment it paid towards (spent, or given back).
    payment = models.ForeignKey(
        "payments.Payment", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    reason = models.CharField(max_length=300, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    idempotency_key = models.CharField(max_length=120, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-id"]
        indexes = [models.Index(fields=["gift_card", "-id"], name="commerce_gift_entry_newest")]
        constraints = [
            models.CheckConstraint(
                condition=Q(balance_after__gte=0), name="commerce_gift_never_negative"
            ),
            models.CheckConstraint(condition=~Q(amount=0), name="commerce_gift_entry_not_zero"),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} {self.amount:+d} → {self.balance_after}"
