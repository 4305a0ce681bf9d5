"""Orders: products a clinic lists (retail items; at a vet also food and medication),
ordered by patients for pick-up.

A medication line makes the order a refill request: staff approve it before it is made
ready, and it may be tied to one of the client's pets. Payment is taken when the order
is placed (a ``Purchase`` paid online) or at pick-up (a desk purchase made when staff
hand it over), as the clinic's Settings → Features say. Lines copy the product's name
and price, so a later change of the product changes no order."""

import uuid

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from branding.models import Clinic
from people.models import ClientAccount, Pet


class ProductKind(models.TextChoices):
    RETAIL = "retail", _("Retail item")
    FOOD = "food", _("Food")
    MEDICATION = "medication", _("Medication (refill request)")


class Product(models.Model):
    clinic = models.ForeignKey(Clinic, on_delete=models.CASCADE, related_name="+")
    name = models.CharField(_("name"), max_length=120)
    description = models.TextField(_("description"), blank=True)
    kind = models.CharField(
        _("kind"),
        max_length=16,
        choices=ProductKind.choices,
        default=ProductKind.RETAIL,
        help_text=_("Medication is a refill request: staff approve it before it is ready."),
    )
    price = models.PositiveIntegerField(_("price (minor units)"))
    stock = models.PositiveIntegerField(
        _("in stock"),
        null=True,
        blank=True,
        help_text=_("Leave empty when the stock is not counted."),
    )
    photo = models.ForeignKey(
        "wagtailimages.Image",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("photo"),
    )
    active = models.BooleanField(_("on sale"), default=True)
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        ordering = ["position", "name", "id"]
        verbose_name = _("product")
        verbose_name_plural = _("products")

    def __str__(self):
        return self.name

    @property
    def is_refill(self):
        return self.kind == ProductKind.MEDICATION


class OrderStatus(models.TextChoices):
    AWAITING_PAYMENT = "awaiting_payment", _("Awaiting payment")
    PLACED = "placed", pgettext_lazy("order status", "Received")
    APPROVED = "approved", _("Approved")
    READY = "ready", _("Ready for pick-up")
    FULFILLED = "fulfilled", _("Picked up")
    DECLINED = "declined", _("Declined")
    CANCELLED = "cancelled", pgettext_lazy("order status", "Cancelled")


class OrderPayment(models.TextChoices):
    AT_ORDER = "order", _("Paid online when ordering")
    AT_PICKUP = "pickup", _("Paid at pick-up")


class Order(models.Model):
    clinic = models.ForeignKey(Clinic, on_delete=models.CASCADE, related_name="+")
    client = models.ForeignKey(ClientAccount, on_delete=models.PROTECT, related_name="orders")
    reference = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    pet = models.ForeignKey(
        Pet, null=True, blank=True, on_delete=models.SET_NULL, related_name="orders"
    )
    status = models.CharField(max_length=20, choices=OrderStatus.choices)
    payment = models.CharField(max_length=8, choices=OrderPayment.choices)
    needs_approval = models.BooleanField(default=False)
    total = models.PositiveIntegerField(_("total (minor units)"))
    currency = models.CharField(max_length=3)
    purchase = models.OneToOneField(
        "commerce.Purchase",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="order",
    )
    note = models.CharField(_("note"), max_length=300, blank=True)
    decline_reason = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    placed_at = models.DateTimeField(null=True, blank=True)
    approved_at = models.DateTimeField(null=True, blank=True)
    ready_at = models.DateTimeField(null=True, blank=True)
    fulfilled_at = models.DateTimeField(null=True, blank=True)
    declined_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["clinic", "status"])]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status="declined") | ~Q(decline_reason=""),
                name="commerce_declined_order_has_reason",
            ),
        ]

    def __str__(self):
        return f"Order {self.number}"

    @property
    def number(self):
        return f"O{self.pk}"

    @property
    def is_open(self):
        return self.status not in (
            OrderStatus.FULFILLED,
            OrderStatus.DECLINED,
            OrderStatus.CANCELLED,
        )


class OrderLine(models.Model):
    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="lines")
    product = models.ForeignKey(Product, on_delete=models.PROTECT, related_name="+")
    name = models.CharField(max_length=120)
    kind = models.CharField(max_length=16, choices=ProductKind.choices)
    unit_price = models.PositiveIntegerField()
    quantity = models.PositiveSmallIntegerField()

    class Meta:
        ordering = ["id"]
        constraints = [
            models.CheckConstraint(condition=Q(quantity__gte=1), name="commerce_line_quantity"),
        ]

    def __str__(self):
        return f"{self.quantity} × {self.name}"

    @property
    def subtotal(self):
        return self.unit_price * self.quantity
