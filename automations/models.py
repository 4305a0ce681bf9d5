"""Nudges: per-clinic automations that bring patients back, the record of each one sent
(its occasion key makes it once-only), the clinic's rules for all of them, pets' health
due dates, and texts received from patients."""

import datetime

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from branding.models import Clinic
from notifications.models import Category, Channel, Notification


class AutomationKind(models.TextChoices):
    REBOOK = "rebook", _("Due for your next treatment")
    WINBACK = "winback", _("Win-back")
    BIRTHDAY = "birthday", _("Birthday")
    REVIEW = "review", _("Review request")
    PET_HEALTH = "pet_health", _("Pet health reminder")


# What each kind is by default: marketing goes only to those who opted in.
KIND_CATEGORY = {
    AutomationKind.REBOOK: Category.MARKETING,
    AutomationKind.WINBACK: Category.MARKETING,
    AutomationKind.BIRTHDAY: Category.MARKETING,
    AutomationKind.REVIEW: Category.MARKETING,
    AutomationKind.PET_HEALTH: Category.REMINDER,
}

DEFAULT_CHANNEL_ORDER = "push,email,sms"


class Automation(models.Model):
    """One nudge a clinic sends: when (its kind and numbers), to whom (audience), by which
    channel (the first in ``channel_order`` the patient accepts) and what it says."""

    clinic = models.ForeignKey(Clinic, on_delete=models.CASCADE, related_name="automations")
    kind = models.CharField(_("kind"), max_length=16, choices=AutomationKind.choices)
    name = models.CharField(_("name"), max_length=120)
    enabled = models.BooleanField(_("on"), default=False)
    channel_order = models.CharField(
        _("channel order"),
        max_length=40,
        default=DEFAULT_CHANNEL_ORDER,
        help_text=_(
            "Tried in this order; each patient gets the nudge once, by the first channel "
            "their preferences accept."
        ),
    )
    title_template = models.CharField(_("title"), max_length=200)
    body_template = models.TextField(_("message"))
    # Audience
    tags = models.JSONField(_("only clients with one of these tags"), default=list, blank=True)
    vip_only = models.BooleanField(_("VIP clients only"), default=False)
    # Numbers some kinds use
    months = models.PositiveSmallIntegerField(
        _("months without a visit"),
        default=6,
        validators=[MinValueValidator(1), MaxValueValidator(60)],
        help_text=_("Win-back: sent once a client has not visited for this long."),
    )
    offsets_days = models.CharField(
        _("days before the due date"),
        max_length=60,
        default="28,7",
        blank=True,
        help_text=_(
            "Pet health: comma-separated days before the due date to remind at (0 is the "
            "due date itself); one more reminder goes once it is overdue."
        ),
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["kind", "name", "pk"]
        verbose_name = _("automation")

    def __str__(self):
        return self.name

    @property
    def category(self):
        return KIND_CATEGORY[self.kind]

    @property
    def channels(self) -> list[str]:
        return [c.strip() for c in self.channel_order.split(",") if c.strip()]

    @property
    def offsets(self) -> list[int]:
        return sorted({int(d) for d in self.offsets_days.split(",") if d.strip()}, reverse=True)


def default_reminder_offsets():
    return "24h,1h"


class AutomationSettings(models.Model):
    """The rules every automation of a clinic keeps, and its appointment reminders."""

    clinic = models.OneToOneField(
        Clinic, on_delete=models.CASCADE, related_name="automation_settings"
    )
    weekly_cap = models.PositiveSmallIntegerField(
        _("at most this many nudges per patient a week"),
        default=2,
        validators=[MinValueValidator(1), MaxValueValidator(14)],
    )
    quiet_start = models.TimeField(_("quiet hours from"), default=datetime.time(21, 0))
    quiet_end = models.TimeField(_("quiet hours until"), default=datetime.time(9, 0))
    reminder_offsets = models.CharField(
        _("appointment reminders"),
        max_length=80,
        default=default_reminder_offsets,
        help_text=_("Before the appointment, comma-separated: 48h, 24h, 2h, 30m."),
    )
    reminder_email = models.BooleanField(_("reminders by email"), default=True)
    reminder_sms = models.BooleanField(_("reminders by SMS"), default=True)
    reminder_push = models.BooleanField(_("reminders by push"), default=True)
    sms_confirm = models.BooleanField(
        _("ask to reply C to confirm"),
        default=False,
        help_text=_("Where an SMS provider is set up, the SMS reminder asks for a C."),
    )
    public_review_url = models.URLField(_("public review page"), blank=True)
    ask_public_review = models.BooleanField(
        _("ask happy patients for a public review"),
        default=False,
        help_text=_("After a survey rated 4 or 5 only, with the page above."),
    )

    class Meta:
        verbose_name = _("automation settings")
        verbose_name_plural = _("automation settings")

    def __str__(self):
        return str(self.clinic)


class NudgeStatus(models.TextChoices):
    SENT = "sent", _("Sent")


class Nudge(models.Model):
    """One nudge sent to one client on one occasion. ``occasion_key`` is unique per
    clinic and is written in the same transaction as the outbox row, so a run that dies
    and runs again sends each occasion once."""

    clinic = models.ForeignKey(Clinic, on_delete=models.CASCADE, related_name="+")
    automation = models.ForeignKey(
        Automation, on_delete=models.SET_NULL, null=True, related_name="nudges"
    )
    kind = models.CharField(max_length=16, choices=AutomationKind.choices)
    client = models.ForeignKey(
        "clients.ClientAccount", on_delete=models.CASCADE, related_name="nudges"
    )
    occasion_key = models.CharField(max_length=120)
    channel = models.CharField(max_length=8, choices=Channel.choices)
    notification = models.ForeignKey(
        Notification, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    service = models.ForeignKey(
        "booking_api.Service", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    pet = models.ForeignKey(
        "clients.Pet", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    link = models.CharField(max_length=500, blank=True)  # where the nudge's link leads
    sent_at = models.DateTimeField(default=timezone.now)
    clicked_at = models.DateTimeField(null=True, blank=True)  # first opened (link clicks)

    class Meta:
        ordering = ["-sent_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["clinic", "occasion_key"], name="nudge_once"),
        ]
        indexes = [
            models.Index(fields=["clinic", "client", "-sent_at"], name="nudge_client_recent"),
            models.Index(fields=["clinic", "-sent_at"], name="nudge_clinic_recent"),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} to {self.client_id} ({self.occasion_key})"


class PetHealthDue(models.Model):
    """A vaccine or health service a pet is due for, set by staff or synced from the
    practice system; reminded at the pet-health automation's offsets."""

    clinic = models.ForeignKey(Clinic, on_delete=models.CASCADE, related_name="+")
    pet = models.ForeignKey("clients.Pet", on_delete=models.CASCADE, related_name="health_dues")
    name = models.CharField(_("what is due"), max_length=120)
    service = models.ForeignKey(
        "booking_api.Service",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("service to book"),
    )
    due_on = models.DateField(_("due on"))
    done = models.BooleanField(_("done"), default=False)

    class Meta:
        ordering = ["due_on", "pk"]
        verbose_name = _("pet health due date")
        indexes = [models.Index(fields=["clinic", "done", "due_on"], name="pet_due_open")]

    def __str__(self):
        return f"{self.name} for {self.pet} on {self.due_on}"


class InboundStatus(models.TextChoices):
    THREAD = "thread", _("In the client's messages")
    KEYWORD = "keyword", _("Keyword answered")
    CONFIRMED = "confirmed", _("Confirmed a booking")
    HELD = "held", _("Held for staff: unknown number")


class InboundSms(models.Model):
    """A text a patient sent to the clinic's number (from the provider's webhook).
    ``provider_id`` (Twilio's MessageSid) is unique: a webhook retried is stored once."""

    clinic = models.ForeignKey(Clinic, on_delete=models.CASCADE, related_name="+")
    provider_id = models.CharField(max_length=64)
    from_number = models.CharField(_("from"), max_length=32)
    to_number = models.CharField(_("to"), max_length=32, blank=True)
    body = models.TextField(_("text"), blank=True)
    client = models.ForeignKey(
        "clients.ClientAccount",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("client"),
    )
    status = models.CharField(_("status"), max_length=10, choices=InboundStatus.choices)
    reply = models.TextField(_("our answer"), blank=True)
    received_at = models.DateTimeField(_("received"), default=timezone.now)
    handled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-received_at", "-pk"]
        verbose_name = _("text received")
        verbose_name_plural = _("texts received")
        constraints = [
            models.UniqueConstraint(fields=["clinic", "provider_id"], name="inbound_sms_once"),
        ]

    def __str__(self):
        return f"{self.from_number}: {self.body[:40]}"
