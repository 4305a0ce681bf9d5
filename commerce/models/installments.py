"""Paying a purchase in installments on the card on file.

The clinic chooses whether it offers installments, from which amount and in how many
(2–4: ``InstallmentSettings``). A purchase paid that way has one ``InstallmentPlan``
and one ``Installment`` per charge: the first is charged when the patient buys (and the
package is theirs once it succeeds), the others monthly by the worker. Each charge is
keyed by the installment and its attempt, so a worker that dies mid-charge repeats the
same request and Stripe answers it again instead of charging twice."""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel
from wagtail.contrib.settings.models import BaseSiteSetting, register_setting

from branding.models import Clinic
from people.models import ClientAccount

# Days after a declined installment before each retry; after the last, it has failed.
RETRY_DAYS = (1, 3, 7)


@register_setting(icon="date")
class InstallmentSettings(BaseSiteSetting):
    enabled = models.BooleanField(_("offer payment in installments"), default=False)
    minimum_amount = models.PositiveIntegerField(
        _("for purchases from"),
        default=200,
        help_text=_("In whole units of the clinic's currency (e.g. 200 for £200)."),
    )
    max_installments = models.PositiveSmallIntegerField(
        _("at most"),
        default=3,
        choices=[(2, _("2 installments")), (3, _("3 installments")), (4, _("4 installments"))],
    )

    panels = [FieldPanel("enabled"), FieldPanel("minimum_amount"), FieldPanel("max_installments")]

    class Meta:
        verbose_name = _("installments")


class PlanStatus(models.TextChoices):
    ACTIVE = "active", _("Being paid")
    COMPLETED = "completed", _("Paid in full")
    FAILED = "failed", _("Payment failed")
    CANCELLED = "cancelled", _("Cancelled")


class InstallmentPlan(models.Model):
    clinic = models.ForeignKey(Clinic, on_delete=models.CASCADE, related_name="+")
    client = models.ForeignKey(
        ClientAccount, on_delete=models.PROTECT, related_name="installment_plans"
    )
    purchase = models.OneToOneField(
        "commerce.Purchase", on_delete=models.PROTECT, related_name="installment_plan"
    )
    card = models.ForeignKey(
        "payments.SavedCard", null=True, on_delete=models.SET_NULL, related_name="+"
    )
    status = models.CharField(max_length=12, choices=PlanStatus.choices, default=PlanStatus.ACTIVE)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self):
        return f"{self.purchase} in {self.installments.count()} installments"


class InstallmentStatus(models.TextChoices):
    SCHEDULED = "scheduled", _("Scheduled")
    RETRYING = "retrying", _("Declined, will be retried")
    PAID = "paid", _("Paid")
    FAILED = "failed", _("Failed")
    CANCELLED = "cancelled", _("Cancelled")


class Installment(models.Model):
    plan = models.ForeignKey(InstallmentPlan, on_delete=models.CASCADE, related_name="installments")
    number = models.PositiveSmallIntegerField()
    amount = models.PositiveIntegerField(_("amount (minor units)"))
    due_on = models.DateField(_("due on"))
    status = models.CharField(
        max_length=12, choices=InstallmentStatus.choices, default=InstallmentStatus.SCHEDULED
    )
    attempts = models.PositiveSmallIntegerField(default=0)
    # Set while an attempt is under way: a worker that died mid-charge left it set, and
    # the next run repeats that attempt with the same key.
    charging_since = models.DateTimeField(null=True, blank=True)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    stripe_payment_intent_id = models.CharField(max_length=255, blank=True)
    last_error = models.CharField(max_length=300, blank=True)
    paid_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["plan", "number"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "number"], name="commerce_installment_number"),
            models.CheckConstraint(condition=Q(amount__gt=0), name="commerce_installment_amount"),
        ]
        indexes = [models.Index(fields=["status", "due_on"], name="commerce_installment_due")]

    def __str__(self):
        return f"Installment {self.number} of purchase {self.plan.purchase_id}"

    @property
    def key(self):
        """The Stripe idempotency key of this installment's current attempt."""
        return f"installment-{self.pk}-attempt-{self.attempts}"
