"""Post-visit feedback: one answer per completed booking, followed up by staff."""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from branding.models import Clinic
from people.models.accounts import ClientAccount


class Feedback(models.Model):
    clinic = models.ForeignKey(Clinic, on_delete=models.CASCADE, related_name="feedback")
    client = models.ForeignKey(ClientAccount, on_delete=models.CASCADE, related_name="feedback")
    booking = models.OneToOneField(
        "booking_api.Booking", on_delete=models.CASCADE, related_name="feedback"
    )
    rating = models.PositiveSmallIntegerField(
        _("rating"), validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    comment = models.TextField(_("comment"), blank=True, max_length=2000)
    created_at = models.DateTimeField(_("received"), default=timezone.now)
    followed_up_at = models.DateTimeField(_("followed up"), null=True, blank=True)
    followed_up_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("followed up by"),
    )

    class Meta:
        # The table kept its name when the model moved here from ``clients``.
        db_table = "clients_feedback"
        ordering = ["-created_at", "-pk"]
        verbose_name = _("feedback")
        verbose_name_plural = _("feedback")
        constraints = [
            models.CheckConstraint(
                condition=Q(rating__gte=1, rating__lte=5), name="feedback_rating_1_to_5"
            ),
        ]
        indexes = [models.Index(fields=["clinic", "client"], name="feedback_client")]

    def __str__(self):
        return f"{self.rating}/5 — {self.client}"
