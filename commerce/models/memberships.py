"""Memberships: a monthly or yearly plan billed by a Stripe subscription on the clinic's
account, giving a discount on services and/or credits per period for chosen services.

``MembershipPlan`` is what a manager sells; ``Membership`` is one client's, with the
plan's terms copied when they join (a later change of the plan changes no membership
sold). Its credits are a ledger like a package's sessions: ``MembershipEntry`` rows are
never changed or deleted, each carries the running ``balance_after`` (never negative, a
CheckConstraint), and every write locks the membership row first
(``commerce.memberships.credits``). A period's grant is keyed on the Stripe invoice that
paid it, so an invoice event arriving twice grants once."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from booking_api.models import Booking, Service
from branding.models import Clinic
from people.models import ClientAccount
from people.models.append_only import AppendOnlyModel
from records.models import FormTemplate


class BillingInterval(models.TextChoices):
    MONTH = "month", _("Monthly")
    YEAR = "year", _("Yearly")


class MembershipPlan(models.Model):
    clinic = models.ForeignKey(Clinic, on_delete=models.CASCADE, related_name="+")
    name = models.CharField(_("name"), max_length=120)
    description = models.TextField(_("description"), blank=True)
    interval = models.CharField(
        _("billed"), max_length=8, choices=BillingInterval.choices, default=BillingInterval.MONTH
    )
    price = models.PositiveIntegerField(_("price per period (minor units)"))
    discount_percent = models.PositiveSmallIntegerField(
        _("discount on services (%)"), default=0, help_text=_("0: no discount.")
    )
    discount_services = models.ManyToManyField(
        Service,
        blank=True,
        related_name="+",
        verbose_name=_("discounted services"),
        help_text=_("Leave empty for every service."),
    )
    credits_per_period = models.PositiveSmallIntegerField(
        _("included sessions per period"), default=0, help_text=_("e.g. one facial a month.")
    )
    credit_services = models.ManyToManyField(
        Service,
        blank=True,
        related_name="+",
        verbose_name=_("services the included sessions are for"),
    )
    rollover = models.BooleanField(
        _("unused sessions roll over"),
        default=False,
        help_text=_("Otherwise they expire when the next period starts."),
    )
    rollover_cap = models.PositiveSmallIntegerField(
        _("most sessions held at once"),
        default=0,
        help_text=_("When unused sessions roll over (0: no limit)."),
    )
    patients_may_cancel = models.BooleanField(
        _("members may cancel online"),
        default=True,
        help_text=_("At the end of the paid period."),
    )
    booking_window_days = models.PositiveSmallIntegerField(
        _("members book up to (days ahead)"),
        default=0,
        help_text=_(
            "A member-only booking window: members may book this many days ahead, "
            "further than the clinic's usual limit (0: the usual limit)."
        ),
    )
    agreement = models.ForeignKey(
        FormTemplate,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("membership agreement"),
        help_text=_("A consent form the patient signs before the first charge."),
    )
    active = models.BooleanField(_("on sale"), default=True)
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    # The Stripe Plan billing it, made on first join, per Stripe account and price.
    stripe_plan_id = models.CharField(max_length=255, blank=True, editable=False)
    stripe_plan_key = models.CharField(max_length=255, blank=True, editable=False)

    class Meta:
        ordering = ["position", "name", "id"]
        verbose_name = _("membership plan")
        verbose_name_plural = _("membership plans")
        constraints = [
            models.CheckConstraint(
                condition=Q(discount_percent__lte=100), name="commerce_membership_discount_max"
            ),
            models.CheckConstraint(condition=Q(price__gte=1), name="commerce_membership_price"),
        ]

    def __str__(self):
        return self.name


class MembershipStatus(models.TextChoices):
    ACTIVE = "active", _("Active")
    PAST_DUE = "past_due", _("Payment failed: benefits paused")
    CANCELED = "canceled", _("Ended")


class Membership(models.Model):
    """A client's membership: the row each ledger write locks. ``status`` follows the
    Stripe subscription (read again from Stripe on every event)."""

    clinic = models.ForeignKey(Clinic, on_delete=models.CASCADE, related_name="+")
    client = models.ForeignKey(ClientAccount, on_delete=models.PROTECT, related_name="memberships")
    plan = models.ForeignKey(MembershipPlan, on_delete=models.PROTECT, related_name="sold")
    name = models.CharField(max_length=120)
    interval = models.CharField(max_length=8, choices=BillingInterval.choices)
    price = models.PositiveIntegerField()
    currency = models.CharField(max_length=3)
    discount_percent = models.PositiveSmallIntegerField(default=0)
    discount_services = models.ManyToManyField(Service, related_name="+")
    discount_all_services = models.BooleanField(default=False)
    credits_per_period = models.PositiveSmallIntegerField(default=0)
    credit_services = models.ManyToManyField(Service, related_name="+")
    rollover = models.BooleanField(default=False)
    rollover_cap = models.PositiveSmallIntegerField(default=0)
    patients_may_cancel = models.BooleanField(default=True)
    booking_window_days = models.PositiveSmallIntegerField(default=0)
    agreement = models.ForeignKey("records.SignedForm", on_delete=models.PROTECT, related_name="+")
    status = models.CharField(
        max_length=10, choices=MembershipStatus.choices, default=MembershipStatus.ACTIVE
    )
    stripe_subscription_id = models.CharField(max_length=255, unique=True)
    current_period_end = models.DateTimeField(null=True, blank=True)
    cancel_at_period_end = models.BooleanField(default=False)
    card_problem_invoice = models.CharField(max_length=255, blank=True)
    ended_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            # One running membership of a plan per client (joining twice is refused).
            models.UniqueConstraint(
                fields=["client", "plan"],
                condition=~Q(status="canceled"),
                name="commerce_one_running_membership",
            ),
        ]

    def __str__(self):
        return self.name

    @property
    def benefits_on(self):
        return self.status == MembershipStatus.ACTIVE


class CreditKind(models.TextChoices):
    GRANT = "grant", _("Included this period")
    EXPIRE = "expire", _("Expired")
    USE = "use", _("Used")
    RETURN = "return", _("Given back")
    ADJUST = "adjust", _("Adjusted")


class MembershipEntry(AppendOnlyModel):
    clinic = models.ForeignKey(Clinic, on_delete=models.CASCADE, related_name="+")
    membership = models.ForeignKey(Membership, on_delete=models.PROTECT, related_name="entries")
    kind = models.CharField(max_length=8, choices=CreditKind.choices)
    amount = models.SmallIntegerField()
    balance_after = models.PositiveSmallIntegerField()
    booking = models.ForeignKey(
        Booking, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    reason = models.CharField(max_length=200, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    idempotency_key = models.CharField(max_length=120, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-id"]
        verbose_name = _("membership credit entry")
        verbose_name_plural = _("membership credit entries")
        indexes = [models.Index(fields=["membership", "-id"], name="commerce_credit_newest")]
        constraints = [
            models.CheckConstraint(
                condition=Q(balance_after__gte=0), name="commerce_credits_never_negative"
            ),
            models.CheckConstraint(condition=~Q(amount=0), name="commerce_credit_not_zero"),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} {self.amount:+d} → {self.balance_after}"
