import uuid

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from booking_api import lifecycle

# The states and their named groups live in the lifecycle module; re-exported with the
# model for the many callers that import them from here.
from booking_api.lifecycle import BLOCKING_STATUSES, UPCOMING_STATUSES, BookingStatus  # noqa: F401
from booking_api.models.catalogue import Service
from booking_api.models.staff import StaffMember
from branding.models import Clinic, Location
from people.models import ClientAccount


class BookingSource(models.TextChoices):
    PORTAL = "portal", _("Portal")
    APP = "app", _("Mobile app")
    STAFF = "staff", _("Staff")
    IMPORT = "import", _("Import")


class Booking(models.Model):
    """An appointment. ``blocked_start``/``blocked_end`` add the service's buffers; the
    blocked intervals of one staff member's active bookings never overlap."""

    clinic = models.ForeignKey(Clinic, on_delete=models.CASCADE, related_name="bookings")
    reference = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    client = models.ForeignKey(ClientAccount, on_delete=models.PROTECT, related_name="bookings")
    service = models.ForeignKey(Service, on_delete=models.PROTECT, related_name="bookings")
    staff = models.ForeignKey(StaffMember, on_delete=models.PROTECT, related_name="bookings")
    location = models.ForeignKey(Location, on_delete=models.PROTECT, related_name="bookings")
    # At a vet practice: which of the client's pets the appointment is for.
    pet = models.ForeignKey(
        "clients.Pet",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="bookings",
        verbose_name=_("pet"),
    )
    start = models.DateTimeField(_("start"))
    end = models.DateTimeField(_("end"))
    blocked_start = models.DateTimeField()
    blocked_end = models.DateTimeField()
    status = models.CharField(
        _("status"), max_length=16, choices=BookingStatus.choices, default=BookingStatus.BOOKED
    )
    price = models.PositiveIntegerField(_("price (minor units)"))
    deposit = models.PositiveIntegerField(_("deposit (minor units)"), default=0)
    currency = models.CharField(max_length=3)
    client_notes = models.TextField(_("notes from the client"), blank=True)
    internal_notes = models.TextField(_("internal notes"), blank=True)
    source = models.CharField(max_length=8, choices=BookingSource.choices)
    reschedule_count = models.PositiveSmallIntegerField(default=0)
    # Bumped on every change the client's calendar must follow (iCalendar SEQUENCE).
    sequence = models.PositiveIntegerField(default=0)
    hold_expires_at = models.DateTimeField(null=True, blank=True)
    # Why staff booked a time the engine did not offer (squeezed in outside the offered
    # times or working hours, or on top of another booking). Empty for every ordinary
    # booking; PostgreSQL's no-overlap constraint skips only the overridden ones.
    override_reason = models.CharField(_("override reason"), max_length=500, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["start"]
        indexes = [
            models.Index(fields=["staff", "blocked_start"]),
            models.Index(fields=["clinic", "start"]),
            models.Index(fields=["client", "start"]),
            # Reports count bookings by the day they were made.
            models.Index(fields=["clinic", "created_at"], name="booking_clinic_created"),
            # "Had a completed visit before?" (new vs returning, first visits, rebooking):
            # an index-only look-up per client.
            models.Index(
                fields=["client", "start"],
                condition=Q(status="completed"),
                name="booking_client_completed",
            ),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(end__gt=F("start")), name="booking_end_after_start"),
            models.CheckConstraint(
                condition=Q(blocked_start__lte=F("start")) & Q(blocked_end__gte=F("end")),
                name="blocked_covers_appointment",
            ),
        ]

    def __str__(self):
        return f"{self.service} with {self.staff} at {self.start:%Y-%m-%d %H:%M} UTC"

    # What templates ask instead of listing statuses (see booking_api.lifecycle).
    @property
    def is_blocking(self):
        return self.status in lifecycle.BLOCKING_STATUSES

    @property
    def is_upcoming(self):
        """Still to come: may be moved, cancelled, added to a calendar."""
        return self.status in lifecycle.UPCOMING_STATUSES

    @property
    def is_checked_in(self):
        return self.status == BookingStatus.ARRIVED

    @property
    def client_may_check_in(self):
        """ "I'm here" is offered now (portal, app): inside the check-in window."""
        from django.utils import timezone

        return lifecycle.client_may_check_in(self.status, self.start, timezone.now())

    @property
    def awaits_payment(self):
        return self.status in lifecycle.AWAITING_PAYMENT_STATUSES

    @property
    def is_cancelled(self):
        return self.status in lifecycle.CANCELLED_STATUSES

    @property
    def hold_lapsed(self):
        """A hold (for payment, or a guest's confirmation) that ran out: the system
        released it; the patient never was booked. Read from the ``hold_lapsed_flag``
        annotation (``booking_api.selectors.with_hold_lapsed``) when there is one, else
        from the history."""
        if self.status != BookingStatus.CANCELLED:
            return False
        flag = getattr(self, "hold_lapsed_flag", None)
        if flag is None:
            flag = self.events.filter(
                kind="status", to_status=BookingStatus.CANCELLED, data__hold_expired=True
            ).exists()
            self.hold_lapsed_flag = flag
        return flag

    @property
    def status_label(self):
        """The status as the patient reads it: a lapsed hold is "Expired — not booked",
        never "Cancelled"."""
        if self.hold_lapsed:
            return _("Expired — not booked")
        return self.get_status_display()


class BookingEvent(models.Model):
    """The booking's history: every status change, reschedule, payment or refund."""

    booking = models.ForeignKey(Booking, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(max_length=32)
    from_status = models.CharField(max_length=16, blank=True)
    to_status = models.CharField(max_length=16, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reason = models.TextField(blank=True)
    # Money a transition decides, as columns rather than inside ``data``: the policy fee
    # of a cancellation or a no-show, and the refund staff chose when cancelling (None:
    # the cancellation policy decides, i.e. what was captured less the fee).
    fee = models.PositiveIntegerField(_("fee (minor units)"), default=0)
    refund_decided = models.PositiveIntegerField(
        _("refund chosen by staff (minor units)"), null=True, blank=True
    )
    data = models.JSONField(default=dict, blank=True)
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["at", "id"]

    def __str__(self):
        return f"{self.booking_id}: {self.kind} {self.from_status}→{self.to_status}"
