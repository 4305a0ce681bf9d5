from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from branding.models import Clinic

from .accounts import ClientAccount


class ClientNote(models.Model):
    """An internal note staff keep on a client. Never shown to the client: no portal
    page, API serializer or export for clients reads this model. Pinned notes lead the
    account view for every staff member."""

    clinic = models.ForeignKey(Clinic, on_delete=models.CASCADE, related_name="+")
    client = models.ForeignKey(
        ClientAccount, on_delete=models.CASCADE, related_name="internal_notes"
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    body = models.TextField(_("note"), max_length=4000)
    pinned = models.BooleanField(_("pinned"), default=False)
    created_at = models.DateTimeField(_("written"), default=timezone.now)

    class Meta:
        verbose_name = _("internal note")
        ordering = ["-pinned", "-created_at", "-pk"]
        indexes = [models.Index(fields=["clinic", "client"], name="note_clinic_client")]

    def __str__(self):
        return f"Note on {self.client_id}: {self.body[:40]}"
