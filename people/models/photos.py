"""Photos clients upload in the portal (the ``selfies`` feature): selfies and pet
photos. Files live in the private storage and are served only through views that check
who is asking (``people.photo_selectors.photo_for_viewer``)."""

import uuid

from django.core.files.storage import storages
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from branding.models import Clinic

from .accounts import ClientAccount


def private_storage():
    return storages["private"]


def photo_path(instance, filename):
    # A random name per file: the path says nothing about its owner.
    extension = filename.rsplit(".", 1)[-1].lower() if "." in filename else "jpg"
    return f"photos/{instance.clinic_id}/{uuid.uuid4().hex}.{extension}"


class PhotoKind(models.TextChoices):
    SELFIE = "selfie", _("Selfie")
    PET = "pet", _("Pet photo")


class Photo(models.Model):
    """One uploaded image, already validated and re-encoded (no EXIF) by
    ``people.photo_services.photo_upload``.

    Staff ``starred`` puts it in the clinic's home-screen slideshow, which shows it only
    when the client also agreed to share it (``shareable``); ``favourite`` marks it for
    push notifications."""

    clinic = models.ForeignKey(Clinic, on_delete=models.CASCADE, related_name="photos")
    client = models.ForeignKey(ClientAccount, on_delete=models.CASCADE, related_name="photos")
    pet = models.ForeignKey(
        "clients.Pet",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="photos",
        verbose_name=_("pet"),
    )
    kind = models.CharField(_("kind"), max_length=8, choices=PhotoKind.choices)
    image = models.FileField(_("image"), upload_to=photo_path, storage=private_storage)
    content_type = models.CharField(max_length=32)
    width = models.PositiveIntegerField()
    height = models.PositiveIntegerField()
    size = models.PositiveIntegerField(_("size (bytes)"))
    caption = models.CharField(_("caption"), max_length=200, blank=True)
    shareable = models.BooleanField(
        _("may be shown in the clinic's slideshow"),
        default=False,
        help_text=_("The client's consent to show this photo to other visitors."),
    )
    starred = models.BooleanField(_("in the slideshow"), default=False)
    favourite = models.BooleanField(_("favourite"), default=False)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["clinic", "client", "-created_at"], name="photo_client_recent"),
            models.Index(fields=["clinic", "starred", "shareable"], name="photo_slideshow"),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} of {self.client_id} ({self.created_at:%Y-%m-%d})"
