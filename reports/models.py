from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from branding.models import Clinic

DEFAULT_REBOOKING_WINDOW_DAYS = 90
DEFAULT_PRIZE_WINDOW_DAYS = 30
DEFAULT_POINT_VALUE = 100  # minor units per 100 points: one point is worth one penny/cent


class ReportSettings(models.Model):
    """How a clinic's reports count. One row per clinic, made with the defaults the first
    time a report is opened (``reports.selectors.report_settings``)."""

    clinic = models.OneToOneField(Clinic, on_delete=models.CASCADE, related_name="report_settings")
    # Services carry no rebooking interval yet: one clinic-wide window for now.
    rebooking_window_days = models.PositiveSmallIntegerField(
        _("rebooked within (days)"),
        default=DEFAULT_REBOOKING_WINDOW_DAYS,
        validators=[MinValueValidator(1), MaxValueValidator(730)],
        help_text=_(
            "A completed visit counts as rebooked when the client's next booking starts "
            "within this many days."
        ),
    )
    prize_window_days = models.PositiveSmallIntegerField(
        _("bookings after a prize within (days)"),
        default=DEFAULT_PRIZE_WINDOW_DAYS,
        validators=[MinValueValidator(1), MaxValueValidator(365)],
    )
    point_value = models.PositiveIntegerField(
        _("value of 100 points (minor units)"),
        default=DEFAULT_POINT_VALUE,
        help_text=_("What 100 unspent points would cost the clinic, for the loyalty liability."),
    )

    class Meta:
        verbose_name = _("report settings")
        verbose_name_plural = _("report settings")

    def __str__(self):
        return f"Report settings of {self.clinic}"
