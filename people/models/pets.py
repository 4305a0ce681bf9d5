"""Pets of a vet practice's clients (the ``pets`` feature)."""

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from branding.models import Clinic
from branding.validators import validate_name

from .accounts import ClientAccount


class Species(models.TextChoices):
    DOG = "dog", _("Dog")
    CAT = "cat", _("Cat")
    RABBIT = "rabbit", _("Rabbit")
    BIRD = "bird", _("Bird")
    REPTILE = "reptile", _("Reptile")
    HORSE = "horse", _("Horse")
    OTHER = "other", _("Other")


class PetQuerySet(models.QuerySet):
    def current(self):
        """Profiles that are not folded into another by a merge."""
        return self.filter(merged_into__isnull=True)

    def active(self):
        return self.current().filter(active=True)


class Pet(models.Model):
    """One animal of one client at one clinic.

    ``active`` off removes the pet from the app at once (e.g. after a death) while its
    history is kept. A profile merged into another (``merged_into``) stays for the
    record but is never listed."""

    clinic = models.ForeignKey(Clinic, on_delete=models.CASCADE, related_name="pets")
    owner = models.ForeignKey(ClientAccount, on_delete=models.CASCADE, related_name="pets")
    name = models.CharField(_("name"), max_length=80, validators=[validate_name])
    species = models.CharField(_("species"), max_length=16, choices=Species.choices)
    breed = models.CharField(_("breed"), max_length=80, blank=True)
    date_of_birth = models.DateField(_("date of birth"), null=True, blank=True)
    photo = models.ForeignKey(
        "clients.Photo",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("photo"),
    )
    notes = models.TextField(
        _("owner's notes"), blank=True, help_text=_("Shown on the back of the pet's card.")
    )
    active = models.BooleanField(_("active"), default=True)
    deactivated_at = models.DateTimeField(_("removed from the app"), null=True, blank=True)
    external_id = models.CharField(
        _("practice system id"),
        max_length=64,
        blank=True,
        help_text=_("The pet's id in the practice's own system, for imports and sync."),
    )
    merged_into = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="merged_profiles",
        verbose_name=_("merged into"),
    )
    created_at = models.DateTimeField(default=timezone.now)

    objects = PetQuerySet.as_manager()

    class Meta:
        ordering = ["name", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["clinic", "external_id"],
                condition=~Q(external_id=""),
                name="pet_external_id_unique_per_clinic",
            ),
        ]
        indexes = [models.Index(fields=["clinic", "owner"], name="pet_owner")]

    def __str__(self):
        return self.name
