"""Writes of the desk's inbox: who answers a conversation.

Rules: managers and front-desk staff assign a chat to anyone on the clinic's staff,
reassign it, or unassign it; therapists may not (they answer what they are given).
Every change is in the audit log (before → after) and the new assignee is told through
``notifications.notify`` (not when they assigned it to themselves), all in one
transaction: a refusal names its field and changes nothing."""

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from branding.links import portal_url
from notifications.language import speaking_to
from notifications.models import Category
from notifications.services import notify
from people.models import AuditAction, StaffRole
from people.selectors import clinic_role_for_user, membership_for_user
from people.services import audit_record
from records.errors import RecordsErrorCode
from records.message_services import MessageError
from records.models import MessageThread, ThreadKind

ASSIGNERS = (StaffRole.MANAGER, StaffRole.STAFF)


def _name(user):
    if user is None:
        return "nobody"
    return user.get_full_name() or user.email


def _tell_assignee(thread, assignee, actor):
    path = reverse(
        "client_records:message_thread",
        kwargs={"client_pk": thread.client_id, "thread_id": thread.pk},
    )
    with speaking_to(thread.clinic, assignee):  # not the language of whoever assigned it
        title = _("A conversation was assigned to you")
        body = _("%(who)s assigned you “%(subject)s” with %(client)s.") % {
            "who": _name(actor),
            "subject": thread.subject,
            "client": thread.client.name,
        }
    notify(
        clinic=thread.clinic,
        user=assignee,
        kind="staff.thread_assigned",
        category=Category.MESSAGE,
        title=title,
        body=body,
        url=portal_url(thread.clinic, path),
        idempotency_key=f"thread-assigned-{thread.pk}-{assignee.pk}-"
        f"{thread.assigned_at.timestamp():.6f}",
        object_id=str(thread.pk),
    )


@transaction.atomic
def thread_assign(*, clinic, thread, assignee, actor, request=None) -> MessageThread:
    """Assign ``thread`` to ``assignee`` (a user on the clinic's staff), or unassign it
    with ``assignee=None``. Assigning to the current assignee writes nothing."""
    if thread.clinic_id != clinic.pk:
        raise MessageError(
            _("That conversation belongs to another clinic."),
            field="thread",
            code=RecordsErrorCode.OTHER_CLINIC,
        )
    if clinic_role_for_user(clinic, actor) not in ASSIGNERS:
        raise MessageError(
            _("Only managers and front-desk staff assign conversations."),
            field="assignee",
            code=RecordsErrorCode.ROLE_NOT_ALLOWED,
        )
    if thread.kind != ThreadKind.CHAT:
        raise MessageError(
            _("A one-way notification takes no replies, so it is not assigned."),
            field="thread",
            code=RecordsErrorCode.REPLIES_CLOSED,
        )
    if assignee is not None and membership_for_user(clinic, assignee) is None:
        raise MessageError(
            _("Choose someone on the clinic's staff."),
            field="assignee",
            code=RecordsErrorCode.NOT_STAFF,
        )
    thread = (
        # Only the thread is locked (the assignee is on the nullable side of a join).
        MessageThread.objects.select_for_update(of=("self",))
        .select_related("clinic__site", "client__user", "assigned_to")
        .get(pk=thread.pk)
    )
    before = thread.assigned_to
    if (before.pk if before else None) == (assignee.pk if assignee else None):
        return thread
    thread.assigned_to = assignee
    thread.assigned_at = timezone.now() if assignee is not None else None
    thread.save(update_fields=["assigned_to", "assigned_at"])
    audit_record(
        clinic=clinic,
        actor=actor,
        action=AuditAction.CHANGE,
        client=thread.client,
        summary=(
            f"Assigned “{thread.subject}” to {_name(assignee)}"
            if assignee is not None
            else f"Unassigned “{thread.subject}”"
        ),
        changes={"assignee": [_name(before), _name(assignee)]},
        request=request,
    )
    if assignee is not None and assignee.pk != actor.pk:
        _tell_assignee(thread, assignee, actor)
    return thread
