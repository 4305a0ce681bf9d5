from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from booking_api.models.catalogue import Service
from branding.models import Clinic, Location, Weekday


class StaffMember(models.Model):
    """Someone clients can be booked with (a therapist, a vet, a stylist)."""

    clinic = models.ForeignKey(Clinic, on_delete=models.CASCADE, related_name="staff_members")
    key = models.SlugField(_("key"), max_length=60)
    display_name = models.CharField(_("name"), max_length=120)
    bio = models.TextField(_("bio"), blank=True)
    photo = models.ForeignKey(
        "wagtailimages.Image", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="staff_profiles",
    )
    services = models.ManyToManyField(Service, blank=True, related_name="staff")
    active = models.BooleanField(_("takes bookings"), default=True)

    class Meta:
        ordering = ["display_name"]
        verbose_name = _("staff member")
        constraints = [
            models.UniqueConstraint(fields=["clinic", "key"], name="staff_key_unique"),
        ]

    def __str__(self):
        return self.display_name


class WorkingHours(models.Model):
    """A weekly working range in the clinic's local wall-clock time, at one location."""

    staff = models.ForeignKey(StaffMember, on_delete=models.CASCADE, related_name="working_hours")
    weekday = models.PositiveSmallIntegerField(_("weekday"), choices=Weekday.choices)
    start = models.TimeField(_("from"))
    end = models.TimeField(_("until"))
    location = models.ForeignKey(Location, on_delete=models.CASCADE, related_name="+")

    class Meta:
        ordering = ["weekday", "start"]
        verbose_name_plural = _("working hours")
        constraints = [
            models.CheckConstraint(condition=Q(end__gt=F("start")), name="work_end_after_start"),
        ]

    def __str__(self):
        return f"{self.get_weekday_display()} {self.start:%H:%M}–{self.end:%H:%M}"


class TimeOff(models.Model):
    """An absence (holiday, training, sickness): stored in UTC."""

    staff = models.ForeignKey(StaffMember, on_delete=models.CASCADE, related_name="time_off")
    start = models.DateTimeField(_("from"))
    end = models.DateTimeField(_("until"))
    reason = models.CharField(_("reason"), max_length=120, blank=True)

    class Meta:
        ordering = ["start"]
        verbose_name_plural = _("time off")
        constraints = [
            models.CheckConstraint(
                condition=Q(end__gt=F("start")), name="time_off_end_after_start"
            ),
        ]

    def __str__(self):
        return f"{self.staff}: {self.start:%Y-%m-%d %H:%M} – {self.end:%Y-%m-%d %H:%M}"
