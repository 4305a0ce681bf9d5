"""Privacy records: data exports (a zip made by the worker, fetched once through a
signed link), erasure requests and their decision, the consents a person gave or
withdrew (with the exact wording shown), and each clinic's retention period."""

import uuid

from django.conf import settings
from django.core.files.storage import storages
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from branding.models import Clinic
from people.models import ClientAccount

DEFAULT_RETENTION_YEARS = 7
EXPORT_LINK_HOURS = 48


def private_storage():
    return storages["private"]


def export_path(instance, filename):
    # A random name: the path says nothing about its owner.
    return f"exports/{instance.clinic_id}/{uuid.uuid4().hex}.zip"


class PrivacySettings(models.Model):
    """A clinic's retention period for the records it must keep after an erasure
    (payments, signed consent forms, clinical notes). One row per clinic, made with the
    default the first time it is read (``privacy.selectors.privacy_settings``)."""

    clinic = models.OneToOneField(Clinic, on_delete=models.CASCADE, related_name="+")
    retention_years = models.PositiveSmallIntegerField(
        _("keep required records for (years)"),
        default=DEFAULT_RETENTION_YEARS,
        validators=[MinValueValidator(1), MaxValueValidator(30)],
        help_text=_(
            "After a client's erasure, payments, signed consent forms and clinical notes "
            "are kept, without the client's name or contact details, for this many years."
        ),
    )

    class Meta:
        verbose_name = _("privacy settings")
        verbose_name_plural = _("privacy settings")

    def __str__(self):
        return f"Privacy settings of {self.clinic}"


class ExportStatus(models.TextChoices):
    PENDING = "pending", _("Being prepared")
    READY = "ready", _("Ready to download")
    DOWNLOADED = "downloaded", _("Downloaded")
    FAILED = "failed", _("Failed")


class DataExport(models.Model):
    """One copy of everything the clinic holds about a client, asked for by the client.
    ``privacy.tasks.build_export`` makes the zip; the link to it (signed, this clinic and
    this person only) works once and until ``expires_at``."""

    clinic = models.ForeignKey(Clinic, on_delete=models.CASCADE, related_name="+")
    client = models.ForeignKey(ClientAccount, on_delete=models.CASCADE, related_name="data_exports")
    status = models.CharField(
        _("status"), max_length=12, choices=ExportStatus.choices, default=ExportStatus.PENDING
    )
    file = models.FileField(upload_to=export_path, storage=private_storage, blank=True)
    size = models.PositiveIntegerField(_("size (bytes)"), default=0)
    # Part of the signed link: a new export (or a used one) makes older links worthless.
    nonce = models.CharField(max_length=32, default="", blank=True)
    created_at = models.DateTimeField(_("asked"), default=timezone.now)
    ready_at = models.DateTimeField(_("ready"), null=True, blank=True)
    expires_at = models.DateTimeField(_("link expires"), null=True, blank=True)
    downloaded_at = models.DateTimeField(_("downloaded"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("data export")
        indexes = [models.Index(fields=["clinic", "client", "-created_at"], name="export_recent")]

    def __str__(self):
        return f"Export {self.pk} of {self.client_id} ({self.status})"

    @property
    def link_expired(self):
        return self.expires_at is not None and self.expires_at <= timezone.now()


class ErasureStatus(models.TextChoices):
    REQUESTED = "requested", _("Waiting for the clinic")
    APPROVED = "approved", _("Erased")
    DECLINED = "declined", _("Declined")


class ErasureRequest(models.Model):
    """A client's request to be erased at this clinic, and the staff decision. Approved,
    ``privacy.services.erasure_approve`` anonymises the client in one transaction; the
    records kept are kept until ``keep_until``. The row itself names nobody."""

    clinic = models.ForeignKey(Clinic, on_delete=models.CASCADE, related_name="+")
    client = models.ForeignKey(
        ClientAccount, on_delete=models.PROTECT, related_name="erasure_requests"
    )
    status = models.CharField(
        _("status"),
        max_length=12,
        choices=ErasureStatus.choices,
        default=ErasureStatus.REQUESTED,
    )
    source = models.CharField(_("asked through"), max_length=8, default="portal")
    requested_at = models.DateTimeField(_("asked"), default=timezone.now)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("decided by"),
    )
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    decline_reason = models.CharField(_("reason"), max_length=300, blank=True)
    keep_until = models.DateField(_("required records kept until"), null=True, blank=True)
    summary = models.JSONField(_("what was erased"), default=dict, blank=True)

    class Meta:
        ordering = ["-requested_at", "-pk"]
        verbose_name = _("erasure request")
        constraints = [
            models.UniqueConstraint(
                fields=["client"],
                condition=Q(status="requested"),
                name="one_open_erasure_request",
            ),
        ]

    def __str__(self):
        return f"Erasure request {self.pk} ({self.status})"


class ConsentKind(models.TextChoices):
    MARKETING = "marketing", _("Offers and news")
    PHOTO_USE = "photo_use", _("Use of my photos")


class ConsentRecord(models.Model):
    """One consent given or withdrawn: when, through which door, and the exact wording
    the person was shown. Append-only history; the newest per kind is the current
    answer (``privacy.selectors.consents_current``)."""

    clinic = models.ForeignKey(Clinic, on_delete=models.CASCADE, related_name="+")
    client = models.ForeignKey(ClientAccount, on_delete=models.CASCADE, related_name="consents")
    kind = models.CharField(_("consent to"), max_length=12, choices=ConsentKind.choices)
    given = models.BooleanField(_("given"))
    wording = models.TextField(_("wording shown"))
    language = models.CharField(_("language"), max_length=10, blank=True)
    source = models.CharField(_("through"), max_length=8)
    created_at = models.DateTimeField(_("when"), default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("consent record")
        indexes = [
            models.Index(fields=["clinic", "client", "kind", "-created_at"], name="consent_latest")
        ]

    def __str__(self):
        return f"{self.kind} {'given' if self.given else 'withdrawn'} by {self.client_id}"
