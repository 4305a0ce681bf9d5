"""Packages: a course of N sessions of one or more services, bought once and used one
session per booking.

``PackagePlan`` is what a manager sells; ``Package`` is one client's, with the plan's
terms copied (a later change of the plan changes no package sold). Its balance is a
ledger: ``PackageEntry`` rows are never changed or deleted, each carries the running
``balance_after`` (never negative, a CheckConstraint), and every write locks the
package row first (``commerce.packages.services``), as the loyalty ledger locks the
client's account."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from booking_api.models import Booking, Service
from branding.models import Clinic
from people.models import ClientAccount
from people.models.append_only import AppendOnlyModel


class PackagePlan(models.Model):
    clinic = models.ForeignKey(Clinic, on_delete=models.CASCADE, related_name="+")
    name = models.CharField(_("name"), max_length=120)
    description = models.TextField(_("description"), blank=True)
    services = models.ManyToManyField(Service, verbose_name=_("services"), related_name="+")
    sessions = models.PositiveSmallIntegerField(_("sessions"))
    price = models.PositiveIntegerField(_("price (minor units)"))
    validity_days = models.PositiveIntegerField(
        _("valid for (days)"), help_text=_("From the day it is bought.")
    )
    no_show_uses_session = models.BooleanField(
        _("a missed appointment uses its session"), default=True
    )
    active = models.BooleanField(_("on sale"), default=True)
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        ordering = ["position", "name", "id"]
        verbose_name = _("package")
        verbose_name_plural = _("packages")
        constraints = [
            models.CheckConstraint(condition=Q(sessions__gte=1), name="commerce_plan_sessions"),
        ]

    def __str__(self):
        return self.name


class Package(models.Model):
    """A client's package: the row each ledger write locks."""

    clinic = models.ForeignKey(Clinic, on_delete=models.CASCADE, related_name="+")
    client = models.ForeignKey(ClientAccount, on_delete=models.PROTECT, related_name="packages")
    plan = models.ForeignKey(PackagePlan, on_delete=models.PROTECT, related_name="sold")
    purchase = models.OneToOneField(
        "commerce.Purchase", on_delete=models.PROTECT, related_name="package"
    )
    name = models.CharField(max_length=120)
    services = models.ManyToManyField(Service, related_name="+")
    sessions = models.PositiveSmallIntegerField()
    expires_on = models.DateField()
    no_show_uses_session = models.BooleanField(default=True)
    voided_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self):
        return self.name


class EntryKind(models.TextChoices):
    GRANT = "grant", _("Bought")
    USE = "use", _("Used")
    RETURN = "return", _("Given back")
    ADJUST = "adjust", _("Adjusted")
    VOID = "void", _("Cancelled")


class PackageEntry(AppendOnlyModel):
    clinic = models.ForeignKey(Clinic, on_delete=models.CASCADE, related_name="+")
    package = models.ForeignKey(Package, on_delete=models.PROTECT, related_name="entries")
    kind = models.CharField(max_length=8, choices=EntryKind.choices)
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
        verbose_name = _("package entry")
        verbose_name_plural = _("package entries")
        indexes = [models.Index(fields=["package", "-id"], name="commerce_entry_newest")]
        constraints = [
            models.CheckConstraint(
                condition=Q(balance_after__gte=0), name="commerce_sessions_never_negative"
            ),
            models.CheckConstraint(condition=~Q(amount=0), name="commerce_entry_not_zero"),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} {self.amount:+d} → {self.balance_after}"
