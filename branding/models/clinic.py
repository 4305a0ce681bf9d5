from django.core.validators import MinLengthValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from wagtail.models import Site

from branding.validators import validate_currency, validate_timezone


class Clinic(models.Model):
    """A tenant: one Wagtail Site (the clinic's domain) and its business details."""

    site = models.OneToOneField(Site, on_delete=models.PROTECT, related_name="clinic")
    name = models.CharField(_("name"), max_length=120)
    slug = models.SlugField(_("slug"), max_length=60, unique=True)
    timezone = models.CharField(
        _("time zone"), max_length=64, default="Europe/London", validators=[validate_timezone]
    )
    currency = models.CharField(
        _("currency"), max_length=3, default="GBP", validators=[validate_currency]
    )
    language = models.CharField(_("default language"), max_length=8, default="en")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("clinic")

    def __str__(self):
        return self.name

    @property
    def domain(self):
        return self.site.hostname


class Location(models.Model):
    """A place where the clinic sees clients. Opening hours and closures live here."""

    clinic = models.ForeignKey(Clinic, on_delete=models.CASCADE, related_name="locations")
    key = models.SlugField(_("key"), max_length=60, validators=[MinLengthValidator(1)])
    name = models.CharField(_("name"), max_length=120)
    address = models.TextField(_("address"), blank=True)
    phone = models.CharField(_("phone"), max_length=32, blank=True)
    is_main = models.BooleanField(_("main location"), default=False)

    class Meta:
        ordering = ["-is_main", "name"]
        constraints = [
            models.UniqueConstraint(fields=["clinic", "key"], name="location_key_unique"),
            models.UniqueConstraint(
                fields=["clinic"], condition=Q(is_main=True), name="one_main_location"
            ),
        ]

    def __str__(self):
        return self.name


class Weekday(models.IntegerChoices):
    MON = 0, _("Monday")
    TUE = 1, _("Tuesday")
    WED = 2, _("Wednesday")
    THU = 3, _("Thursday")
    FRI = 4, _("Friday")
    SAT = 5, _("Saturday")
    SUN = 6, _("Sunday")


class OpeningHours(models.Model):
    """One open range on a weekday, in the clinic's local wall-clock time."""

    location = models.ForeignKey(Location, on_delete=models.CASCADE, related_name="opening_hours")
    weekday = models.PositiveSmallIntegerField(_("weekday"), choices=Weekday.choices)
    start = models.TimeField(_("opens"))
    end = models.TimeField(_("closes"))

    class Meta:
        ordering = ["weekday", "start"]
        verbose_name_plural = _("opening hours")
        constraints = [
            models.CheckConstraint(condition=Q(end__gt=F("start")), name="opening_end_after_start"),
        ]

    def __str__(self):
        return f"{self.get_weekday_display()} {self.start:%H:%M}–{self.end:%H:%M}"


class Closure(models.Model):
    """A whole local day on which a location is closed (bank holidays, training days)."""

    location = models.ForeignKey(Location, on_delete=models.CASCADE, related_name="closures")
    date = models.DateField(_("date"))
    reason = models.CharField(_("reason"), max_length=120, blank=True)

    class Meta:
        ordering = ["date"]
        constraints = [
            models.UniqueConstraint(fields=["location", "date"], name="closure_unique_day"),
        ]

    def __str__(self):
        return f"{self.location}: {self.date:%Y-%m-%d}"
