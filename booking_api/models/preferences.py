from django.db import models
from django.utils.translation import gettext_lazy as _

from booking_api.models.catalogue import Service
from booking_api.models.staff import StaffMember
from branding.models import Location
from people.models import ClientAccount


class BookingPreferences(models.Model):
    """What a client prefers when booking at this clinic — their usual location, staff
    member and services. The patient sets them on their profile; the booking wizard and
    staff can offer them first. Preferences, not rules: nothing is refused because of
    them."""

    client = models.OneToOneField(
        ClientAccount, on_delete=models.CASCADE, related_name="booking_preferences"
    )
    location = models.ForeignKey(
        Location,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("preferred location"),
    )
    staff = models.ForeignKey(
        StaffMember,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("preferred staff member"),
    )
    services = models.ManyToManyField(
        Service, blank=True, related_name="+", verbose_name=_("favourite services")
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("booking preferences")
        verbose_name_plural = _("booking preferences")

    def __str__(self):
        return f"Booking preferences of {self.client}"
