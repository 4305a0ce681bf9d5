"""Tiers: status earned by points collected in a rolling 12 months."""

from django.core.validators import MaxLengthValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from branding.models import Clinic


class Tier(models.Model):
    """A level such as Silver, Gold or VIP, reached by earning ``threshold`` points in the
    last 12 months. The tier with threshold 0 (if any) is where everyone starts."""

    clinic = models.ForeignKey(Clinic, on_delete=models.CASCADE, related_name="loyalty_tiers")
    name = models.CharField(_("name"), max_length=60)
    threshold = models.PositiveIntegerField(
        _("points earned in 12 months"),
        help_text=_("Earned (not spent) in the last 12 months to reach this tier."),
    )
    benefits = models.TextField(_("benefits"), blank=True, validators=[MaxLengthValidator(1000)])

    class Meta:
        verbose_name = _("tier")
        ordering = ["clinic", "threshold"]
        constraints = [
            models.UniqueConstraint(fields=["clinic", "name"], name="loyalty_tier_name_unique"),
            models.UniqueConstraint(
                fields=["clinic", "threshold"], name="loyalty_tier_threshold_unique"
            ),
        ]

    def __str__(self):
        return self.name
