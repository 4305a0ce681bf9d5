"""Writes about messages between a clinic and a client.

Staff send a one-way notice or start / continue a chat; the client starts a chat or
replies to one, with a file if they like (``records.attachments``: checked by content).
Each staff message goes to the client through ``notifications.notify`` (by their
preferences for "Messages from the clinic") and into the audit log, in the same
transaction as the message itself."""

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from branding.links import portal_url
from notifications.models import Category
from notifications.services import notify
from people.models import AuditAction
from people.services import ClientError, audit_record
from records.attachments import attachment_clean
from records.errors import RecordsErrorCode
from records.models import Message, MessageThread, Sender, ThreadKind

MAX_BODY = 5000


class MessageError(ClientError):
    pass


def _clean_body(body):
    body = (body or "").strip()
    if not body:
        raise MessageError(_("Write a message."), field="body", code=RecordsErrorCode.REQUIRED)
    if len(body) > MAX_BODY:
        raise MessageError(
            _("The message is longer than %(n)s characters.") % {"n": MAX_BODY},
            field="body",
            code=RecordsErrorCode.TOO_LONG,
        )
    return body


def _clean_subject(subject):
    subject = (subject or "").strip()
    if not subject:
        raise MessageError(
            _("Give the message a subject."), field="subject", code=RecordsErrorCode.REQUIRED
        )
    if len(subject) > 120:
        raise MessageError(
            _("The subject is longer than %(n)s characters.") % {"n": 120},
            field="subject",
            code=RecordsErrorCode.TOO_LONG,
        )
    return subject


def _tell_client(thread, message):
    clinic = thread.clinic
    path = reverse("portal:message_thread", kwargs={"thread_id": thread.pk})
    notify(
        clinic=clinic,
        user=thread.client.user,
        kind=f"message.{thread.kind}",
        category=Category.MESSAGE,
        title=thread.subject,
        body=message.body,
        url=portal_url(clinic, path),
        idempotency_key=f"message-{message.pk}",
    )


def _post(thread, *, sender, author, body, attachment=None):
    """Write the message; ``attachment`` (a ``CleanAttachment``) is stored with it. A
    file whose row is not written is deleted at once."""
    message = Message(thread=thread, sender=sender, author=author, body=body)
    if attachment is not None:
        message.attachment_name = attachment.name
        message.attachment_type = attachment.content_type
        message.attachment_size = attachment.size
        message.attachment.save(attachment.content.name, attachment.content, save=False)
    try:
        message.save()
    except Exception:
        if attachment is not None:
            message.attachment.storage.delete(message.attachment.name)
        raise
    thread.last_message_at = message.created_at
    thread.save(update_fields=["last_message_at"])
    return message


def _clean_attachment(upload):
    return attachment_clean(upload, field="attachment") if upload is not None else None


def _check_client(clinic, client):
    if client.clinic_id != clinic.pk:
        raise MessageError(
            _("That client belongs to another clinic."),
            field="client",
            code=RecordsErrorCode.OTHER_CLINIC,
        )


@transaction.atomic
def thread_start(
    *, clinic, client, author, subject, body, kind=ThreadKind.CHAT, request=None
) -> MessageThread:
    """Staff start a conversation (``kind`` chat) or send a one-way notice."""
    _check_client(clinic, client)
    if kind not in ThreadKind.values:
        raise MessageError(
            _("Unknown kind of message %(kind)s.") % {"kind": repr(kind)},
            field="kind",
            code=RecordsErrorCode.UNKNOWN_CHOICE,
        )
    subject, body = _clean_subject(subject), _clean_body(body)
    thread = MessageThread.objects.create(
        clinic=clinic, client=client, kind=kind, subject=subject, started_by=author
    )
    message = _post(thread, sender=Sender.CLINIC, author=author, body=body)
    audit_record(
        clinic=clinic,
        actor=author,
        action=AuditAction.MESSAGE,
        client=client,
        summary=f"Sent {thread.get_kind_display().lower()} “{subject}”",
        request=request,
    )
    _tell_client(thread, message)
    return thread


@transaction.atomic
def staff_reply(*, thread, author, body, request=None) -> Message:
    """Staff continue a chat."""
    if thread.kind != ThreadKind.CHAT:
        raise MessageError(
            _("A notification cannot be continued; start a chat."),
            field="thread",
            code=RecordsErrorCode.REPLIES_CLOSED,
        )
    body = _clean_body(body)
    message = _post(thread, sender=Sender.CLINIC, author=author, body=body)
    audit_record(
        clinic=thread.clinic,
        actor=author,
        action=AuditAction.MESSAGE,
        client=thread.client,
        summary=f"Replied in “{thread.subject}”",
        request=request,
    )
    _tell_client(thread, message)
    return message


@transaction.atomic
def client_reply(*, thread, author, body, attachment=None) -> Message:
    """The client answers in a chat (portal or app), with a file if given."""
    if thread.kind != ThreadKind.CHAT:
        raise MessageError(
            _("This message does not take replies."),
            field="thread",
            code=RecordsErrorCode.REPLIES_CLOSED,
        )
    body = _clean_body(body)
    return _post(
        thread,
        sender=Sender.CLIENT,
        author=author,
        body=body,
        attachment=_clean_attachment(attachment),
    )


@transaction.atomic
def client_thread_start(*, clinic, client, author, subject, body, attachment=None) -> MessageThread:
    """The client starts a conversation with the clinic (a chat), with a file if given
    (a picture or a PDF, checked by content). Every input is checked before anything is
    written: a refusal names its field and leaves nothing behind."""
    _check_client(clinic, client)
    subject, body = _clean_subject(subject), _clean_body(body)
    clean = _clean_attachment(attachment)
    thread = MessageThread.objects.create(
        clinic=clinic, client=client, kind=ThreadKind.CHAT, subject=subject, started_by=author
    )
    _post(thread, sender=Sender.CLIENT, author=author, body=body, attachment=clean)
    return thread


def _mark_read(thread, sender):
    return thread.messages.filter(sender=sender, read_at__isnull=True).update(
        read_at=timezone.now()
    )


@transaction.atomic
def thread_read_by_staff(*, thread, actor, request=None) -> int:
    """Staff opened the thread: the client's messages are read. Audited as a view."""
    count = _mark_read(thread, Sender.CLIENT)
    audit_record(
        clinic=thread.clinic,
        actor=actor,
        action=AuditAction.VIEW,
        client=thread.client,
        summary=f"Read messages “{thread.subject}”",
        request=request,
    )
    return count


@transaction.atomic
def thread_read_by_client(*, thread) -> int:
    return _mark_read(thread, Sender.CLINIC)


@transaction.atomic
def client_text_received(*, clinic, client, body, subject) -> Message:
    """A text the client sent to the clinic's number (two-way SMS): it joins their most
    recent chat, or starts one under ``subject``, where staff read and answer it."""
    _check_client(clinic, client)
    thread = (
        MessageThread.objects.select_for_update()
        .filter(clinic=clinic, client=client, kind=ThreadKind.CHAT)
        .order_by("-last_message_at", "-pk")
        .first()
    )
    if thread is None:
        thread = MessageThread.objects.create(
            clinic=clinic, client=client, kind=ThreadKind.CHAT, subject=subject[:120]
        )
    return _post(thread, sender=Sender.CLIENT, author=client.user, body=_clean_body(body))
