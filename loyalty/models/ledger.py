"""The loyalty ledger: a programme per clinic and an append-only list of entries.

A client's balance is ``balance_after`` on their newest entry. Every write takes a row
lock on the client's ``LoyaltyAccount`` first (``loyalty.services``), so entries for one
client are written one at a time and each running total is computed from the last.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from branding.models import Clinic
from people.models import ClientAccount

# The built-in unit names read in the patient's language; a clinic's own word ("paws")
# is shown as the clinic wrote it.
BUILT_IN_UNIT_NAMES = {"points": _("points"), "stamps": _("stamps")}


def unit_label(unit_name) -> str:
    label = BUILT_IN_UNIT_NAMES.get((unit_name or "points").strip().lower())
    return str(label) if label is not None else unit_name


class LoyaltyUnit(models.TextChoices):
    POINTS = "points", _("Points")
    STAMPS = "stamps", _("Stamps")


class LoyaltyProgramme(models.Model):
    """One per clinic: what is collected and how it is earned."""

    clinic = models.OneToOneField(
        Clinic, on_delete=models.CASCADE, related_name="loyalty_programme"
    )
    active = models.BooleanField(_("active"), default=True)
    unit = models.CharField(
        _("unit"), max_length=8, choices=LoyaltyUnit.choices, default=LoyaltyUnit.POINTS
    )
    unit_name = models.CharField(
        _("unit name"), max_length=40, default="points", help_text=_('e.g. "paws"')
    )
    per_currency_unit = models.PositiveIntegerField(_("earned per currency unit spent"), default=0)
    per_visit = models.PositiveIntegerField(_("earned per completed visit"), default=0)
    per_referral = models.PositiveIntegerField(
        _("earned per referral"),
        default=0,
        help_text=_("Given to both sides when a referred client completes a first visit."),
    )
    per_review = models.PositiveIntegerField(_("earned per review"), default=0)
    birthday_bonus = models.PositiveIntegerField(_("birthday bonus"), default=0)
    expiry_months = models.PositiveSmallIntegerField(
        _("expire after (months)"), null=True, blank=True
    )
    points_from_practice = models.BooleanField(
        _("points come from the practice system"),
        default=False,
        help_text=_(
            "When on, the loyalty transactions of the practice system the clinic syncs with "
            "are added to each client's balance, and this portal awards no points of its own "
            "for visits, so a visit is never counted twice. Referrals, reviews, birthdays "
            "and games still add points here."
        ),
    )

    class Meta:
        verbose_name = _("loyalty programme")

    def __str__(self):
        return f"{self.clinic}: {self.unit_name}"

    @property
    def unit_label(self) -> str:
        """The unit as patients read it (``unit_label``)."""
        return unit_label(self.unit_name)


class LoyaltyAccount(models.Model):
    """The row each ledger write locks, one per client account."""

    clinic = models.ForeignKey(Clinic, on_delete=models.CASCADE, related_name="+")
    client = models.OneToOneField(
        ClientAccount, on_delete=models.CASCADE, related_name="loyalty_account"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self):
        return f"Loyalty account of {self.client_id}"


class EntryKind(models.TextChoices):
    EARN = "earn", _("Earned")
    REDEEM = "redeem", _("Redeemed")
    ADJUST = "adjust", _("Adjustment")
    EXPIRE = "expire", _("Expired")
    REVERSAL = "reversal", _("Reversal")
    PRACTICE = "practice", _("From the practice system")


class AppendOnlyError(Exception):
    """Ledger entries are never edited or deleted."""


class LedgerEntryQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise AppendOnlyError("Ledger entries cannot be updated.")

    def delete(self):
        raise AppendOnlyError("Ledger entries cannot be deleted.")


class LedgerEntry(models.Model):
    clinic = models.ForeignKey(Clinic, on_delete=models.CASCADE, related_name="+")
    client = models.ForeignKey(
        ClientAccount, on_delete=models.PROTECT, related_name="ledger_entries"
    )
    kind = models.CharField(_("kind"), max_length=8, choices=EntryKind.choices)
    amount = models.IntegerField(_("amount"))
    balance_after = models.IntegerField(_("balance after"))
    reason = models.CharField(_("reason"), max_length=200, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    idempotency_key = models.CharField(max_length=120, unique=True, null=True, blank=True)
    reverses = models.OneToOneField(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="reversed_by",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = LedgerEntryQuerySet.as_manager()

    class Meta:
        verbose_name = _("ledger entry")
        verbose_name_plural = _("ledger entries")
        ordering = ["-id"]
        indexes = [
            models.Index(fields=["client", "-id"], name="loyalty_entry_client_newest"),
            # Reports sum points by the day they were posted.
            models.Index(fields=["clinic", "created_at"], name="loyalty_entry_clinic_created"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(balance_after__gte=0), name="loyalty_balance_never_negative"
            ),
            models.CheckConstraint(condition=~models.Q(amount=0), name="loyalty_amount_not_zero"),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} {self.amount:+d} → {self.balance_after}"

    def save(self, *args, **kwargs):
        if self.pk is not None or not self._state.adding:
            raise AppendOnlyError("Ledger entries cannot be edited.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnlyError("Ledger entries cannot be deleted.")
