"""Messages between a clinic and a client: one-way notices and two-way chat threads. A
client's message may carry one file (``records.attachments``: checked by content),
kept in the private storage and served only to the clinic's staff and that client."""

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from branding.models import Clinic
from people.models.accounts import ClientAccount
from people.models.photos import private_storage


def attachment_path(instance, filename):
    # A random name per file: the path says nothing about its owner.
    extension = filename.rsplit(".", 1)[-1].lower() if "." in filename else "bin"
    return f"messages/{instance.thread.clinic_id}/{uuid.uuid4().hex}.{extension}"


class ThreadKind(models.TextChoices):
    CHAT = "chat", _("Chat")
    NOTICE = "notice", _("Notification")  # one-way: the client cannot reply


class Sender(models.TextChoices):
    CLINIC = "clinic", _("Clinic")
    CLIENT = "client", _("Client")


class MessageThread(models.Model):
    clinic = models.ForeignKey(Clinic, on_delete=models.CASCADE, related_name="message_threads")
    client = models.ForeignKey(
        ClientAccount, on_delete=models.CASCADE, related_name="message_threads"
    )
    kind = models.CharField(_("kind"), max_length=8, choices=ThreadKind.choices)
    subject = models.CharField(_("subject"), max_length=120)
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    last_message_at = models.DateTimeField(default=timezone.now, db_index=True)
    # Who at the clinic answers this conversation (the desk's inbox); nobody by default.
    assigned_to = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("assigned to"),
    )
    assigned_at = models.DateTimeField(_("assigned"), null=True, blank=True)

    class Meta:
        # The table kept its name when the model moved here from ``clients``.
        db_table = "clients_messagethread"
        ordering = ["-last_message_at", "-pk"]
        indexes = [
            models.Index(fields=["clinic", "client", "-last_message_at"], name="thread_recent"),
            models.Index(fields=["clinic", "assigned_to"], name="thread_assignee"),
        ]

    def __str__(self):
        return self.subject

    @property
    def accepts_replies(self):
        return self.kind == ThreadKind.CHAT


class Message(models.Model):
    """One message in a thread. ``read_at`` is when the other side read it: the clinic
    for a client's message, the client for the clinic's."""

    thread = models.ForeignKey(MessageThread, on_delete=models.CASCADE, related_name="messages")
    sender = models.CharField(_("from"), max_length=8, choices=Sender.choices)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    body = models.TextField(_("message"))
    created_at = models.DateTimeField(default=timezone.now)
    read_at = models.DateTimeField(_("read"), null=True, blank=True)
    attachment = models.FileField(
        _("attachment"), upload_to=attachment_path, storage=private_storage, blank=True
    )
    attachment_name = models.CharField(_("file name"), max_length=120, blank=True)
    attachment_type = models.CharField(_("file type"), max_length=60, blank=True)
    attachment_size = models.PositiveIntegerField(_("file size"), default=0)

    class Meta:
        # The table kept its name when the model moved here from ``clients``.
        db_table = "clients_message"
        ordering = ["created_at", "pk"]
        indexes = [
            models.Index(fields=["thread", "sender", "read_at"], name="message_unread"),
        ]

    def __str__(self):
        return f"{self.get_sender_display()}: {self.body[:40]}"
