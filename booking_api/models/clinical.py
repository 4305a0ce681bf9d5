"""What happens around an appointment in the treatment room: patch tests before
treatments that need them. Staff-only records. (Session notes became records'
treatment records, which the appointment page shows through ``appointment_extras``.)"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from branding.models import Clinic
from people.models import ClientAccount


class PatchTestResult(models.TextChoices):
    PASSED = "passed", _("Passed (no reaction)")
    FAILED = "failed", _("Failed (reaction)")
    INCONCLUSIVE = "inconclusive", _("Inconclusive")


class PatchTest(models.Model):
    """A patch test done on a client. Only a passed test within a service's required
    number of months lets the client book that service online."""

    clinic = models.ForeignKey(Clinic, on_delete=models.CASCADE, related_name="patch_tests")
    client = models.ForeignKey(ClientAccount, on_delete=models.PROTECT, related_name="patch_tests")
    tested_on = models.DateField(_("date of the test"))
    result = models.CharField(_("result"), max_length=16, choices=PatchTestResult.choices)
    notes = models.TextField(_("notes"), blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-tested_on", "-pk"]
        indexes = [models.Index(fields=["client", "tested_on"])]

    def __str__(self):
        return f"{self.client}: {self.get_result_display()} on {self.tested_on:%Y-%m-%d}"
