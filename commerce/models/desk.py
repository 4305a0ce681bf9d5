"""The desk checkout of a visit (``commerce.desk``): one per booking, while open staff
adjust the service's price (a manager), add products from the clinic's shop (stock taken
when added), set a tip and take tenders until it is settled or left with a balance due.

Amounts are integer minor units in the booking's currency. The money itself is
``payments.Payment`` rows (kind ``desk``: card on file through Stripe, or cash and the
external terminal recorded by staff); a tender is the desk's record of one of them and of
how it splits between the visit, the products and the tip."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class CheckoutStatus(models.TextChoices):
    OPEN = "open", _("Open")
    COMPLETED = "completed", _("Completed")


class DeskCheckout(models.Model):
    clinic = models.ForeignKey("branding.Clinic", on_delete=models.CASCADE, related_name="+")
    booking = models.OneToOneField(
        "booking_api.Booking", on_delete=models.PROTECT, related_name="desk_checkout"
    )
    status = models.CharField(
        max_length=16, choices=CheckoutStatus.choices, default=CheckoutStatus.OPEN
    )
    tip = models.PositiveIntegerField(_("tip (minor units)"), default=0)
    # Who the tip goes to: the booking's staff member when it was set.
    tip_staff = models.ForeignKey(
        "booking_api.StaffMember",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    # The tip as a percentage of the services (products aside), when given so: it is
    # worked out again when the visit's price changes (a cover, a manager's change).
    tip_percent = models.DecimalField(max_digits=4, decimal_places=1, null=True, blank=True)
    balance_left = models.PositiveIntegerField(default=0)  # still due when completed
    # A package session or membership credit that covered the visit at the desk.
    cover_label = models.CharField(max_length=300, blank=True)
    cover_price = models.PositiveIntegerField(default=0)  # the price it had
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    completed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    completed_at = models.DateTimeField(null=True, blank=True)
    # The clinic's next in the desk series (``GLOW-D12``), given once when completed.
    receipt_number = models.CharField(max_length=80, blank=True, default="", editable=False)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["clinic", "receipt_number"],
                condition=~models.Q(receipt_number=""),
                name="commerce_one_checkout_per_receipt_number",
            ),
        ]

    def __str__(self):
        return f"Desk checkout of booking {self.booking_id} ({self.get_status_display()})"

    @property
    def is_open(self):
        return self.status == CheckoutStatus.OPEN


class DeskLine(models.Model):
    """A product sold with the visit (name and price copied from the product)."""

    checkout = models.ForeignKey(DeskCheckout, on_delete=models.CASCADE, related_name="lines")
    product = models.ForeignKey(
        "commerce.Product", null=True, on_delete=models.SET_NULL, related_name="+"
    )
    name = models.CharField(max_length=120)
    unit_price = models.PositiveIntegerField()
    quantity = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["id"]
        constraints = [
            models.CheckConstraint(condition=Q(quantity__gt=0), name="desk_line_quantity_positive")
        ]

    def __str__(self):
        return f"{self.quantity} × {self.name}"

    @property
    def total(self):
        return self.unit_price * self.quantity


class TenderKind(models.TextChoices):
    CARD_ON_FILE = "card_on_file", _("Card on file")
    CASH = "cash", _("Cash")
    TERMINAL = "terminal", _("External card terminal")
    VOUCHER = "voucher", _("Reward voucher or gift card")


class TenderStatus(models.TextChoices):
    PENDING = "pending", _("Under way")
    SUCCEEDED = "succeeded", _("Taken")
    FAILED = "failed", _("Declined")


class DeskTender(models.Model):
    checkout = models.ForeignKey(DeskCheckout, on_delete=models.CASCADE, related_name="tenders")
    kind = models.CharField(max_length=16, choices=TenderKind.choices)
    amount = models.PositiveIntegerField()
    tip = models.PositiveIntegerField(default=0)  # the part of ``amount`` that is the tip
    extras = models.PositiveIntegerField(default=0)  # the part for products
    # Cash handed over when above what was due (``amount`` is what was kept; the
    # difference went back as change). 0 when the client gave the exact amount.
    cash_given = models.PositiveIntegerField(default=0)
    status = models.CharField(
        max_length=16, choices=TenderStatus.choices, default=TenderStatus.PENDING
    )
    payment = models.OneToOneField(
        "payments.Payment", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    message = models.CharField(max_length=300, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="desk_tender_positive"),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} {self.amount} ({self.get_status_display()})"

    @property
    def change(self) -> int:
        """The change given back from cash above what was due."""
        return max(self.cash_given - self.amount, 0)
