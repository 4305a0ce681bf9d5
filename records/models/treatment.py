"""Treatment records: what was done at an appointment — session notes, products used
with their batch (lot) numbers and quantities, the treated or injected areas, and a
follow-up with a date that appears on the clinic's follow-up list. Staff only, never
shown to the client.

A clinical note is amended, never silently overwritten: ``TreatmentRecord`` holds the
current text and every recording or amendment is a ``TreatmentRecordVersion``
(append-only), with who, when and why. Session notes of the appointment page
(booking_api's old ``SessionNote``) were moved here: they are the same concept."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from wagtail.admin.panels import FieldPanel
from wagtail.contrib.settings.models import BaseSiteSetting, register_setting

from booking_api.models import Booking
from branding.models import Clinic
from people.models.accounts import ClientAccount
from people.models.append_only import AppendOnlyModel

# The areas offered as choices (anything else is written in as free text), by the kind of
# clinic (``records.treatment_selectors.treatment_area_choices``): a med-spa's face and
# body areas for injections, a vet's body regions of an animal; or the clinic's own list
# (``TreatmentSettings``).
COMMON_AREAS = (
    _("Forehead"),
    _("Glabella (frown lines)"),
    _("Crow's feet"),
    _("Under eyes"),
    _("Cheeks"),
    _("Nasolabial folds"),
    _("Lips"),
    _("Marionette lines"),
    _("Chin"),
    _("Jawline"),
    _("Neck"),
    _("Décolletage"),
)

ANIMAL_AREAS = (
    pgettext_lazy("animal body region", "Head"),
    pgettext_lazy("animal body region", "Eyes"),
    pgettext_lazy("animal body region", "Ears"),
    pgettext_lazy("animal body region", "Mouth and teeth"),
    pgettext_lazy("animal body region", "Neck"),
    pgettext_lazy("animal body region", "Chest"),
    pgettext_lazy("animal body region", "Abdomen"),
    pgettext_lazy("animal body region", "Back"),
    pgettext_lazy("animal body region", "Flank"),
    pgettext_lazy("animal body region", "Front legs"),
    pgettext_lazy("animal body region", "Hind legs"),
    pgettext_lazy("animal body region", "Paws and claws"),
    pgettext_lazy("animal body region", "Tail"),
    pgettext_lazy("animal body region", "Skin and coat"),
)


@register_setting(icon="doc-full")
class TreatmentSettings(BaseSiteSetting):
    """The clinic's own list of treatment areas, offered on every treatment record
    instead of the defaults for its kind (a vet's body regions, a med-spa's areas)."""

    areas = models.TextField(
        _("treatment areas"),
        blank=True,
        help_text=_(
            "One area per line, offered on treatment records. Leave empty for the usual "
            "areas: body regions of an animal where the clinic has pets, else face and "
            "body areas."
        ),
    )

    panels = [FieldPanel("areas")]

    class Meta:
        verbose_name = _("treatment records")


class TreatmentRecord(models.Model):
    clinic = models.ForeignKey(Clinic, on_delete=models.CASCADE, related_name="treatment_records")
    client = models.ForeignKey(
        ClientAccount, on_delete=models.RESTRICT, related_name="treatment_records"
    )
    booking = models.ForeignKey(
        Booking, on_delete=models.RESTRICT, related_name="treatment_records"
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("recorded by"),
    )
    notes = models.TextField(_("session notes"))
    # [{"name": "Botox 100U", "batch": "C3709", "quantity": "20 units"}, ...]
    products = models.JSONField(_("products used"), default=list, blank=True)
    areas = models.JSONField(_("treatment areas"), default=list, blank=True)
    follow_up = models.TextField(_("follow-up"), blank=True)
    follow_up_on = models.DateField(_("follow up on"), null=True, blank=True)
    follow_up_done_at = models.DateTimeField(_("follow-up done"), null=True, blank=True)
    follow_up_done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    version = models.PositiveIntegerField(_("version"), default=1)
    created_at = models.DateTimeField(_("recorded"), default=timezone.now)
    updated_at = models.DateTimeField(_("last amended"), default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("treatment record")
        indexes = [
            models.Index(fields=["clinic", "client", "-created_at"], name="treatment_client"),
            models.Index(
                fields=["clinic", "follow_up_on"],
                name="treatment_follow_up_due",
                condition=models.Q(follow_up_on__isnull=False, follow_up_done_at__isnull=True),
            ),
        ]

    def __str__(self):
        return f"Treatment record {self.pk} on booking {self.booking_id}"


class TreatmentRecordVersion(AppendOnlyModel):
    """One recording or amendment of a treatment record, as it was then."""

    record = models.ForeignKey(TreatmentRecord, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField(_("version"))
    notes = models.TextField(_("session notes"))
    products = models.JSONField(_("products used"), default=list, blank=True)
    areas = models.JSONField(_("treatment areas"), default=list, blank=True)
    follow_up = models.TextField(_("follow-up"), blank=True)
    follow_up_on = models.DateField(_("follow up on"), null=True, blank=True)
    reason = models.CharField(_("reason for the amendment"), max_length=300, blank=True)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("written by"),
    )
    created_at = models.DateTimeField(_("when"), default=timezone.now)

    class Meta:
        ordering = ["record", "-number"]
        verbose_name = _("treatment record version")
        constraints = [
            models.UniqueConstraint(fields=["record", "number"], name="treatment_version_unique")
        ]

    def __str__(self):
        return f"Treatment record {self.record_id} v{self.number}"
