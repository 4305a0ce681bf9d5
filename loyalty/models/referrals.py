"""Referrals: each client's share code, and who joined through it."""

import secrets

from django.db import models
from django.utils.translation import gettext_lazy as _

from branding.models import Clinic
from people.models import ClientAccount

from .rewards import CODE_ALPHABET


def referral_code():
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(8))


class ReferralCode(models.Model):
    """The code a client shares; made the first time they look for it."""

    clinic = models.ForeignKey(Clinic, on_delete=models.CASCADE, related_name="+")
    client = models.OneToOneField(
        ClientAccount, on_delete=models.CASCADE, related_name="referral_code"
    )
    code = models.CharField(max_length=16, unique=True, default=referral_code)

    def __str__(self):
        return self.code


class Referral(models.Model):
    """``referred`` joined the clinic through ``referrer``'s code. Both are rewarded once,
    when the referred client's first booking is completed (``rewarded_at``)."""

    clinic = models.ForeignKey(Clinic, on_delete=models.CASCADE, related_name="+")
    referrer = models.ForeignKey(
        ClientAccount, on_delete=models.PROTECT, related_name="referrals_made"
    )
    # One referrer per new client, ever.
    referred = models.OneToOneField(
        ClientAccount, on_delete=models.PROTECT, related_name="referred_by"
    )
    points = models.PositiveIntegerField(_("points each"), default=0)
    rewarded_at = models.DateTimeField(_("rewarded"), null=True, blank=True)
    created_at = models.DateTimeField(_("joined"), auto_now_add=True)

    class Meta:
        verbose_name = _("referral")
        ordering = ["-id"]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(referrer=models.F("referred")), name="loyalty_no_self_referral"
            ),
        ]

    def __str__(self):
        return f"{self.referrer} referred {self.referred}"
