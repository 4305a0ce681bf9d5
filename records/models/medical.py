"""Medical history: a short questionnaire kept on the client, or at a vet practice on
each of the client's pets. Every change is a new version (append-only); the newest is
the current one."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from branding.models import Clinic
from people.models.accounts import ClientAccount
from people.models.append_only import AppendOnlyModel
from people.models.pets import Pet

MEDICAL_FIELDS = ("allergies", "medications", "conditions", "notes")


class MedicalHistoryVersion(AppendOnlyModel):
    clinic = models.ForeignKey(Clinic, on_delete=models.CASCADE, related_name="medical_history")
    client = models.ForeignKey(
        ClientAccount, on_delete=models.RESTRICT, related_name="medical_history"
    )
    # Whose history: null is the client themself; at a vet practice every version has a pet.
    pet = models.ForeignKey(
        Pet,
        on_delete=models.RESTRICT,
        null=True,
        blank=True,
        related_name="medical_history",
        verbose_name=_("pet"),
    )
    allergies = models.TextField(_("allergies"), blank=True, max_length=2000)
    medications = models.TextField(_("current medications"), blank=True, max_length=2000)
    conditions = models.TextField(_("medical conditions"), blank=True, max_length=2000)
    notes = models.TextField(_("other notes"), blank=True, max_length=2000)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.RESTRICT,
        null=True,
        related_name="+",
        verbose_name=_("changed by"),
    )
    by_staff = models.BooleanField(_("changed by staff"), default=False)
    created_at = models.DateTimeField(_("when"), default=timezone.now)

    class Meta:
        # The table kept its name when the model moved here from ``clients``.
        db_table = "clients_medicalhistoryversion"
        ordering = ["-created_at", "-pk"]
        verbose_name = _("medical history version")
        indexes = [
            models.Index(fields=["clinic", "client", "-created_at"], name="medical_latest"),
        ]

    def __str__(self):
        return f"{self.client} — {self.created_at:%Y-%m-%d %H:%M}"

    def as_dict(self):
        return {name: getattr(self, name) for name in MEDICAL_FIELDS}
