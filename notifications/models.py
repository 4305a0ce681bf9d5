from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from branding.models import Clinic


class Category(models.TextChoices):
    ACCOUNT = "account", _("Account and security")
    BOOKING = "booking", _("Booking confirmations and changes")
    REMINDER = "reminder", _("Appointment reminders")
    MESSAGE = "message", _("Messages from the clinic")
    MARKETING = "marketing", _("Offers and news")


class Channel(models.TextChoices):
    EMAIL = "email", _("Email")
    SMS = "sms", _("SMS")
    PUSH = "push", _("Push")


class Notification(models.Model):
    """One thing we told one person; also their in-app notification centre item.

    ``idempotency_key`` is unique: telling the same thing twice (a task that runs again,
    a double click) returns the first notification instead of sending it again.
    """

    clinic = models.ForeignKey(Clinic, on_delete=models.CASCADE, related_name="notifications")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    kind = models.CharField(max_length=60)
    category = models.CharField(max_length=16, choices=Category.choices)
    title = models.CharField(max_length=200)
    body = models.TextField()
    url = models.CharField(max_length=500, blank=True)
    # What it is about (a booking's id, say), for an app to open it: native push carries
    # it with ``kind`` and the path of ``url``.
    object_id = models.CharField(max_length=64, blank=True)
    idempotency_key = models.CharField(max_length=200, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    read_at = models.DateTimeField(null=True, blank=True)
    # False: a record of something sent outside the outbox (an account email allauth
    # sends itself: a sign-in code, a confirmation), kept for the staff's communication
    # log only, never in the person's notification centre.
    in_centre = models.BooleanField(default=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["clinic", "user", "-created_at"])]

    def __str__(self):
        return self.title


class DeliveryStatus(models.TextChoices):
    PENDING = "pending", _("Waiting to send")
    SENDING = "sending", _("Sending")
    SENT = "sent", _("Sent")
    FAILED = "failed", _("Failed")


class Delivery(models.Model):
    """The outbox: one row per notification and channel, sent at most once."""

    notification = models.ForeignKey(
        Notification, on_delete=models.CASCADE, related_name="deliveries"
    )
    channel = models.CharField(max_length=8, choices=Channel.choices)
    status = models.CharField(
        max_length=8, choices=DeliveryStatus.choices, default=DeliveryStatus.PENDING
    )
    attempts = models.PositiveSmallIntegerField(default=0)
    claimed_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    error = models.TextField(blank=True)
    extra = models.JSONField(default=dict, blank=True)

    class Meta:
        verbose_name_plural = "deliveries"
        constraints = [
            models.UniqueConstraint(
                fields=["notification", "channel"], name="one_delivery_per_channel"
            ),
        ]

    def __str__(self):
        return f"{self.channel} → {self.notification.user}: {self.status}"


class Preferences(models.Model):
    """What a person wants to hear from one clinic, and how. The patient edits these in
    the portal; staff see and change the same record."""

    clinic = models.ForeignKey(Clinic, on_delete=models.CASCADE, related_name="+")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notification_prefs"
    )
    booking_email = models.BooleanField(_("booking confirmations by email"), default=True)
    reminder_email = models.BooleanField(_("reminders by email"), default=True)
    reminder_sms = models.BooleanField(_("reminders by SMS"), default=True)
    message_email = models.BooleanField(_("messages from the clinic by email"), default=True)
    marketing_email = models.BooleanField(_("offers and news by email"), default=False)
    marketing_sms = models.BooleanField(_("offers and news by SMS"), default=False)
    push = models.BooleanField(_("push notifications"), default=True)
    surveys = models.BooleanField(_("post-visit surveys"), default=True)
    postcards = models.BooleanField(_("postcard reminders"), default=False)
    # One switch over all the others: on, nothing optional reaches the person by any
    # channel (account and security emails still do); the per-type choices above are
    # kept as they were, so switching it off again restores them.
    unsubscribed_all = models.BooleanField(_("unsubscribe from all"), default=False)
    # The language every message to the person is written in (the portal's switcher,
    # the profile, the API); blank: the clinic's language. Not a switch, so kept out of
    # ``wants`` and ``preferences_update``: ``notifications.language`` owns it.
    language = models.CharField(_("language for messages"), max_length=8, blank=True)

    class Meta:
        verbose_name_plural = "preferences"
        constraints = [
            models.UniqueConstraint(fields=["clinic", "user"], name="one_prefs_per_clinic"),
        ]

    def __str__(self):
        return f"Preferences of {self.user} at {self.clinic}"

    def wants(self, name) -> bool:
        """Whether the person takes ``name`` (a per-type switch) now: its own choice,
        unless they unsubscribed from all. Every reader of a switch asks this."""
        return bool(getattr(self, name)) and not self.unsubscribed_all


class AppPlatform(models.TextChoices):
    FCM = "fcm", _("Android (Firebase Cloud Messaging)")
    APNS = "apns", _("iOS (Apple Push Notification service)")


class AppDevice(models.Model):
    """A phone app's registration for native push: the provider's token for the app on
    that phone, for one person at one clinic, made with (and forgotten with) one of the
    person's device sign-ins (``signin``: the sign-in token's digest, ``people.
    DeviceToken``, which notifications may not import). The provider's answer prunes it
    when the token is gone."""

    clinic = models.ForeignKey(Clinic, on_delete=models.CASCADE, related_name="+")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="app_devices"
    )
    platform = models.CharField(max_length=4, choices=AppPlatform.choices)
    push_token = models.CharField(max_length=512)
    signin = models.CharField(max_length=128, db_index=True)
    name = models.CharField(max_length=100, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    last_sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["clinic", "platform", "push_token"], name="one_app_device_per_token"
            ),
        ]
        indexes = [models.Index(fields=["clinic", "user"])]

    def __str__(self):
        return f"{self.get_platform_display()}: {self.name or self.push_token[:12]}"
