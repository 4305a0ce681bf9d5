"""Files staff keep on a client's account: documents (PDFs, scans) and clinical photos
(before/after, of a treatment area, perhaps from a booking). Files live in the private
storage under random names and are served only through the staff views of the same
clinic (``records.admin_tabs.files``)."""

import uuid

from django.conf import settings
from django.core.files.storage import storages
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from branding.models import Clinic
from people.models import ClientAccount


def private_storage():
    return storages["private"]


def client_file_path(instance, filename):
    # A random name per file: the path says nothing about its owner and cannot be guessed.
    extension = filename.rsplit(".", 1)[-1].lower() if "." in filename else "bin"
    return f"client-files/{instance.clinic_id}/{uuid.uuid4().hex}.{extension}"


class FileKind(models.TextChoices):
    DOCUMENT = "document", _("Document")
    PHOTO = "photo", _("Clinical photo")


class PhotoStage(models.TextChoices):
    BEFORE = "before", _("Before")
    AFTER = "after", _("After")


class PhotoConsent(models.TextChoices):
    RECORDED = "recorded", _("Consent to photo use recorded in the portal")
    PAPER = "paper", _("Consent given on paper")


class ClientFile(models.Model):
    """One file on a client's account, checked and (for pictures) re-encoded without
    metadata by ``records.files.services.client_file_upload``. A photo records the
    consent it was taken under (``consent``)."""

    clinic = models.ForeignKey(Clinic, on_delete=models.CASCADE, related_name="+")
    client = models.ForeignKey(ClientAccount, on_delete=models.CASCADE, related_name="client_files")
    kind = models.CharField(_("kind"), max_length=8, choices=FileKind.choices)
    file = models.FileField(_("file"), upload_to=client_file_path, storage=private_storage)
    thumbnail = models.FileField(
        _("thumbnail"), upload_to=client_file_path, storage=private_storage, blank=True
    )
    name = models.CharField(_("file name"), max_length=100)
    title = models.CharField(_("description"), max_length=200, blank=True)
    content_type = models.CharField(max_length=32)
    size = models.PositiveIntegerField(_("size (bytes)"))
    width = models.PositiveIntegerField(null=True, blank=True)
    height = models.PositiveIntegerField(null=True, blank=True)
    stage = models.CharField(
        _("before or after"), max_length=8, choices=PhotoStage.choices, blank=True
    )
    area = models.CharField(_("treatment area"), max_length=80, blank=True)
    booking = models.ForeignKey(
        "booking_api.Booking",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("booking"),
    )
    consent = models.CharField(_("consent"), max_length=8, choices=PhotoConsent.choices, blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("uploaded by"),
    )
    created_at = models.DateTimeField(_("uploaded"), default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("client file")
        indexes = [
            models.Index(fields=["clinic", "client", "-created_at"], name="client_file_recent")
        ]

    def __str__(self):
        return f"{self.get_kind_display()} {self.name} of {self.client_id}"

    @property
    def is_image(self):
        return self.content_type.startswith("image/")
