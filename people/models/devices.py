"""An app's sign-in on one device at one clinic: a django-rest-knox token (only its
digest is stored) that belongs to the clinic whose host issued it, with the device's
name for the person's list of signed-in devices."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from knox.models import AbstractAuthToken

from branding.models import Clinic


class DeviceToken(AbstractAuthToken):
    # A token issued at one clinic's host is refused at every other (people.api.auth).
    clinic = models.ForeignKey(Clinic, on_delete=models.CASCADE, related_name="device_tokens")
    name = models.CharField(_("device"), max_length=100, blank=True)
    last_used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created"]
        indexes = [models.Index(fields=["user", "clinic"])]

    def __str__(self):
        return f"{self.name or self.token_key} ({self.clinic_id})"
