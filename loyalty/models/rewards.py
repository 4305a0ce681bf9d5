"""The rewards catalogue, the vouchers points buy, and patients' reward requests."""

import secrets

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from branding.models import Clinic
from people.models import ClientAccount

# No 0/O or 1/I/L: codes are read aloud at the desk and typed from a phone screen.
CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"


def voucher_code():
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(10))


class RewardKind(models.TextChoices):
    AMOUNT_OFF = "amount_off", _("Amount off")
    PERCENT_OFF = "percent_off", _("Percent off")
    FREE_SERVICE = "free_service", _("A free service")


class Reward(models.Model):
    """Something in the clinic's catalogue that points buy."""

    clinic = models.ForeignKey(Clinic, on_delete=models.CASCADE, related_name="rewards")
    name = models.CharField(_("name"), max_length=120)
    description = models.TextField(_("description"), blank=True)
    cost = models.PositiveIntegerField(_("cost"), validators=[MinValueValidator(1)])
    kind = models.CharField(_("kind"), max_length=16, choices=RewardKind.choices)
    amount_off = models.PositiveIntegerField(
        _("amount off (minor units)"),
        null=True,
        blank=True,
        help_text=_("For an amount off: in the clinic's currency's smallest unit (500 = 5.00)."),
    )
    percent_off = models.PositiveSmallIntegerField(
        _("percent off"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(100)],
    )
    services = models.ManyToManyField(
        "booking_api.Service",
        blank=True,
        related_name="+",
        verbose_name=_("applies to"),
        help_text=_("Leave empty for any service (required for a free service)."),
    )
    starts_on = models.DateField(_("available from"), null=True, blank=True)
    ends_on = models.DateField(_("available until"), null=True, blank=True)
    voucher_valid_days = models.PositiveSmallIntegerField(
        _("voucher valid for (days)"), default=90, validators=[MinValueValidator(1)]
    )
    active = models.BooleanField(_("active"), default=True)
    position = models.PositiveIntegerField(_("position"), default=0)

    class Meta:
        verbose_name = _("reward")
        ordering = ["position", "cost", "name"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(kind="amount_off") | Q(amount_off__gt=0),
                name="loyalty_reward_amount_set",
            ),
            models.CheckConstraint(
                condition=~Q(kind="percent_off") | Q(percent_off__gt=0, percent_off__lte=100),
                name="loyalty_reward_percent_set",
            ),
        ]

    def __str__(self):
        return self.name


class VoucherStatus(models.TextChoices):
    ISSUED = "issued", _("Ready to use")
    USED = "used", _("Used")
    EXPIRED = "expired", _("Expired")


class Voucher(models.Model):
    """A reward a client holds, bought with points (or given by staff). The terms are
    copied from the reward so a later catalogue edit never changes a voucher."""

    clinic = models.ForeignKey(Clinic, on_delete=models.CASCADE, related_name="+")
    client = models.ForeignKey(ClientAccount, on_delete=models.PROTECT, related_name="vouchers")
    reward = models.ForeignKey(Reward, on_delete=models.PROTECT, related_name="vouchers")
    code = models.CharField(_("code"), max_length=16, unique=True, default=voucher_code)
    name = models.CharField(_("name"), max_length=120)
    kind = models.CharField(_("kind"), max_length=16, choices=RewardKind.choices)
    amount_off = models.PositiveIntegerField(null=True, blank=True)
    percent_off = models.PositiveSmallIntegerField(null=True, blank=True)
    service_ids = models.JSONField(default=list, blank=True)
    status = models.CharField(
        _("status"), max_length=8, choices=VoucherStatus.choices, default=VoucherStatus.ISSUED
    )
    # The redemption that paid for it; none for a staff gift.
    entry = models.OneToOneField(
        "loyalty.LedgerEntry", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    expires_at = models.DateTimeField(_("expires"))
    # Applied at a checkout: reserved for that payment until it succeeds (then used) or
    # is given back (another voucher chosen, the booking cancelled or its hold run out).
    # One payment at a time, so a voucher discounts one booking.
    reserved_payment = models.ForeignKey(
        "payments.Payment",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("reserved for payment"),
    )
    reserved_at = models.DateTimeField(_("reserved"), null=True, blank=True)
    used_at = models.DateTimeField(_("used"), null=True, blank=True)
    used_for = models.CharField(_("used for"), max_length=120, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("voucher")
        ordering = ["-id"]

    def __str__(self):
        return f"{self.name} ({self.code})"


class RequestStatus(models.TextChoices):
    PENDING = "pending", _("Waiting for the clinic")
    APPROVED = "approved", _("Approved")
    DECLINED = "declined", _("Declined")


class RewardRequest(models.Model):
    """A patient asking for a reward; staff approve (points deducted, voucher issued) or
    decline with a reason."""

    clinic = models.ForeignKey(Clinic, on_delete=models.CASCADE, related_name="+")
    client = models.ForeignKey(
        ClientAccount, on_delete=models.PROTECT, related_name="reward_requests"
    )
    reward = models.ForeignKey(Reward, on_delete=models.PROTECT, related_name="requests")
    note = models.CharField(_("note"), max_length=300, blank=True)
    status = models.CharField(
        _("status"), max_length=8, choices=RequestStatus.choices, default=RequestStatus.PENDING
    )
    decline_reason = models.CharField(_("reason"), max_length=300, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    voucher = models.OneToOneField(
        Voucher, on_delete=models.PROTECT, null=True, blank=True, related_name="request"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("reward request")
        ordering = ["-id"]
        constraints = [
            # One open request per client and reward: a double tap does not queue two.
            models.UniqueConstraint(
                fields=["client", "reward"],
                condition=Q(status="pending"),
                name="loyalty_one_pending_request_per_reward",
            ),
        ]

    def __str__(self):
        return f"{self.client} asks for {self.reward}"
