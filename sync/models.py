"""The practice-system sync: one connection per clinic, its cursors and runs, what the
remote sent that could not be used, and the links between the portal's rows and the
practice system's ids."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from booking_api.models import Booking, StaffMember
from branding.models import Clinic
from people.models import ClientAccount, Pet
from records.models import SignedForm

RESOURCES = ("clients", "pets", "appointments")


class ConnectorKind(models.TextChoices):
    REST = "rest", _("REST/JSON (generic contract)")
    EZYVET = "ezyvet", _("ezyVet")


class AuthKind(models.TextChoices):
    API_KEY = "api_key", _("API key")
    OAUTH2 = "oauth2", _("OAuth2 client credentials")


class SyncConnection(models.Model):
    """A clinic's link to its practice system. ``credentials`` (API key, or client id
    and secret) and the access token stay on the server: no page or API answer shows
    them."""

    clinic = models.OneToOneField(Clinic, on_delete=models.CASCADE, related_name="sync_connection")
    kind = models.CharField(_("system"), max_length=16, choices=ConnectorKind.choices)
    base_url = models.URLField(_("base URL"), max_length=300)
    auth = models.CharField(
        _("authentication"), max_length=16, choices=AuthKind.choices, default=AuthKind.API_KEY
    )
    credentials = models.JSONField(default=dict, blank=True)
    access_token = models.TextField(blank=True)
    token_expires_at = models.DateTimeField(null=True, blank=True)
    staff_map = models.JSONField(
        _("practice resource → staff key"),
        default=dict,
        blank=True,
        help_text=_("Which staff member each practice-system resource (vet, room) is."),
    )
    enabled = models.BooleanField(_("sync on"), default=True)
    interval_minutes = models.PositiveSmallIntegerField(_("minutes between runs"), default=5)
    pet_removal_hours = models.PositiveSmallIntegerField(
        _("hours before a deceased or inactive pet leaves the app"), default=24
    )
    page_size = models.PositiveSmallIntegerField(default=200)
    next_run_at = models.DateTimeField(null=True, blank=True)
    failures = models.PositiveIntegerField(default=0)
    last_error = models.TextField(blank=True)
    last_success_at = models.DateTimeField(_("last successful run"), null=True, blank=True)
    running_since = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("practice-system connection")

    def __str__(self):
        return f"{self.get_kind_display()} for {self.clinic}"


class SyncCursor(models.Model):
    """Where the last committed page of one resource ended. Advanced in the same
    transaction as that page's writes, so a worker killed mid-run resumes there."""

    connection = models.ForeignKey(SyncConnection, on_delete=models.CASCADE, related_name="cursors")
    resource = models.CharField(max_length=16)
    cursor = models.TextField(blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["connection", "resource"], name="sync_cursor_unique")
        ]

    def __str__(self):
        return f"{self.resource} at {self.cursor!r}"


class RunStatus(models.TextChoices):
    RUNNING = "running", _("Running")
    SUCCEEDED = "succeeded", _("Succeeded")
    FAILED = "failed", _("Failed")


class SyncRun(models.Model):
    connection = models.ForeignKey(SyncConnection, on_delete=models.CASCADE, related_name="runs")
    trigger = models.CharField(max_length=16, default="schedule")
    status = models.CharField(max_length=16, choices=RunStatus.choices, default=RunStatus.RUNNING)
    started_at = models.DateTimeField(default=timezone.now)
    finished_at = models.DateTimeField(null=True, blank=True)
    # resource → {"created": n, "updated": n, "unchanged": n, "errors": n}, plus "pushed",
    # "merged", "removed"
    counts = models.JSONField(default=dict)
    pages = models.PositiveIntegerField(default=0)
    error = models.TextField(blank=True)

    class Meta:
        ordering = ["-started_at", "-pk"]
        indexes = [models.Index(fields=["connection", "-started_at"], name="sync_run_recent")]

    def __str__(self):
        return f"Run {self.pk} ({self.status})"


class SyncRecordError(models.Model):
    """One record the practice system sent that was skipped (garbage, a wrong type, a
    missing owner, a duplicate id), named for staff. Seen again, it is counted, not
    repeated."""

    connection = models.ForeignKey(SyncConnection, on_delete=models.CASCADE, related_name="errors")
    clinic = models.ForeignKey(Clinic, on_delete=models.CASCADE, related_name="+")
    resource = models.CharField(max_length=16)
    external_id = models.CharField(max_length=80)
    message = models.TextField()
    raw = models.TextField(blank=True)
    occurrences = models.PositiveIntegerField(default=1)
    first_seen = models.DateTimeField(default=timezone.now)
    last_seen = models.DateTimeField(default=timezone.now)
    resolved_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-last_seen", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["connection", "resource", "external_id"], name="sync_record_error_unique"
            )
        ]

    def __str__(self):
        return f"{self.resource} {self.external_id}: {self.message[:60]}"


class ClientLink(models.Model):
    """A client account and its id in the practice system."""

    clinic = models.ForeignKey(Clinic, on_delete=models.CASCADE, related_name="+")
    client = models.OneToOneField(ClientAccount, on_delete=models.CASCADE, related_name="sync_link")
    external_id = models.CharField(max_length=80)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["clinic", "external_id"], name="client_link_unique")
        ]

    def __str__(self):
        return f"client {self.client_id} = {self.external_id}"


class ExternalAppointment(models.Model):
    """An appointment made in the practice system (by phone, at the desk). It blocks
    its staff member's time like a booking (``sync.availability``)."""

    clinic = models.ForeignKey(Clinic, on_delete=models.CASCADE, related_name="+")
    external_id = models.CharField(max_length=80)
    client = models.ForeignKey(
        ClientAccount, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    pet = models.ForeignKey(Pet, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    staff = models.ForeignKey(
        StaffMember, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    resource_id = models.CharField(max_length=80, blank=True)
    start = models.DateTimeField()
    end = models.DateTimeField()
    cancelled = models.BooleanField(default=False)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["clinic", "external_id"], name="ext_appointment_unique")
        ]
        indexes = [models.Index(fields=["staff", "start"], name="ext_appointment_staff")]

    def __str__(self):
        return f"practice appointment {self.external_id}"


class LinkState(models.TextChoices):
    PENDING = "pending", _("Waiting to be sent")
    SYNCED = "synced", _("In the practice system")
    NEEDS_ATTENTION = "attention", _("Needs attention")


class BookingLink(models.Model):
    """A portal booking and its appointment in the practice system. ``action`` is what
    is still to be sent (create, move, cancel); a push the practice system refused
    leaves it ``needs attention`` with its answer in ``message``."""

    clinic = models.ForeignKey(Clinic, on_delete=models.CASCADE, related_name="+")
    booking = models.OneToOneField(Booking, on_delete=models.CASCADE, related_name="sync_link")
    external_id = models.CharField(max_length=80, blank=True)
    state = models.CharField(max_length=16, choices=LinkState.choices, default=LinkState.PENDING)
    action = models.CharField(max_length=8, blank=True)
    message = models.TextField(blank=True)
    attempts = models.PositiveIntegerField(default=0)
    updated_at = models.DateTimeField(default=timezone.now)
    resolved_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["clinic", "external_id"],
                condition=~Q(external_id=""),
                name="booking_link_external_unique",
            )
        ]
        indexes = [models.Index(fields=["clinic", "state"], name="booking_link_state")]

    def __str__(self):
        return f"booking {self.booking_id} = {self.external_id or '?'} ({self.state})"


class PetStatus(models.TextChoices):
    ACTIVE = "active", _("Active")
    INACTIVE = "inactive", _("Inactive")
    DECEASED = "deceased", _("Deceased")


class PetSyncState(models.Model):
    """The pet's status in the practice system and when it leaves the app. A pet staff
    reinstated stays until the practice system's status changes again."""

    clinic = models.ForeignKey(Clinic, on_delete=models.CASCADE, related_name="+")
    pet = models.OneToOneField(Pet, on_delete=models.CASCADE, related_name="sync_state")
    status = models.CharField(max_length=16, choices=PetStatus.choices, default=PetStatus.ACTIVE)
    status_since = models.DateTimeField(default=timezone.now)
    remove_after = models.DateTimeField(null=True, blank=True)
    removed_at = models.DateTimeField(null=True, blank=True)
    reinstated_at = models.DateTimeField(null=True, blank=True)
    reinstated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        indexes = [models.Index(fields=["clinic", "remove_after"], name="pet_state_due")]

    def __str__(self):
        return f"pet {self.pet_id}: {self.status}"


class PetMerge(models.Model):
    """A merge of two profiles of one pet, with what it changed, so staff can undo it
    (within ``UNDO_DAYS``)."""

    UNDO_DAYS = 30

    clinic = models.ForeignKey(Clinic, on_delete=models.CASCADE, related_name="+")
    kept = models.ForeignKey(Pet, on_delete=models.CASCADE, related_name="+")
    merged = models.ForeignKey(Pet, on_delete=models.CASCADE, related_name="+")
    moved_bookings = models.JSONField(default=list)
    moved_photos = models.JSONField(default=list)
    kept_before = models.JSONField(default=dict)
    merged_before = models.JSONField(default=dict)
    merged_at = models.DateTimeField(default=timezone.now)
    undone_at = models.DateTimeField(null=True, blank=True)
    undone_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-merged_at", "-pk"]

    def __str__(self):
        return f"pet {self.merged_id} into {self.kept_id}"


class FormLink(models.Model):
    """A consent form signed in the portal and its copy in the practice system (sent
    once; a form signed before the connection was made is not sent)."""

    clinic = models.ForeignKey(Clinic, on_delete=models.CASCADE, related_name="+")
    signed_form = models.OneToOneField(
        SignedForm, on_delete=models.CASCADE, related_name="sync_link"
    )
    external_id = models.CharField(max_length=80, blank=True)
    sent_at = models.DateTimeField(default=timezone.now)

    def __str__(self):
        return f"signed form {self.signed_form_id} = {self.external_id}"
