"""The audit trail: every staff read or change of a client record, in the same transaction
as the change."""

from django.contrib.auth import get_user_model
from django.db import connection, models, transaction
from django.utils.translation import gettext

from branding.client_address import client_ip
from people.errors import ClientError, PeopleErrorCode
from people.models import AuditAction, AuditEntry

User = get_user_model()


def request_origin(request):
    """Where a request came from: (IP address or None, user agent)."""
    if request is None:
        return None, ""
    ip = client_ip(request)
    agent = (request.META.get("HTTP_USER_AGENT") or "")[:400]
    return ip, agent


@transaction.atomic
def audit_record(
    *, clinic, actor, action, client=None, summary, changes=None, request=None
) -> AuditEntry:
    """Append one entry to the clinic's audit log: ``actor`` did ``action`` (an
    ``AuditAction``) to ``client`` (None for clinic-level actions), with ``changes`` as
    field → [old, new]. ``request`` supplies the IP address and user agent."""
    if action not in AuditAction.values:
        raise ClientError(
            gettext("Unknown audit action %(action)r.") % {"action": action},
            field="action",
            code=PeopleErrorCode.UNKNOWN_CHOICE,
        )
    if client is not None and client.clinic_id != clinic.pk:
        raise ClientError(
            gettext("That client belongs to another clinic."),
            field="client",
            code=PeopleErrorCode.OTHER_CLINIC,
        )
    ip, agent = request_origin(request)
    return AuditEntry.objects.create(
        clinic=clinic,
        actor=actor if actor is not None and actor.is_authenticated else None,
        client=client,
        action=action,
        summary=str(summary)[:300],
        changes={field: [old, new] for field, (old, new) in (changes or {}).items()},
        ip_address=ip,
        user_agent=agent,
    )


def audit_changes(before, after):
    """The fields whose values differ between two snapshots, as field → [old, new]."""
    return {
        field: [before.get(field), after.get(field)]
        for field in sorted(set(before) | set(after))
        if before.get(field) != after.get(field)
    }


ERASED = "[erased]"


@transaction.atomic
def audit_entries_redact(*, clinic, client, names=(), detach=True) -> int:
    """Erasure: take the identity of ``client`` out of their audit entries at ``clinic``
    and keep the entries (who did what, when, stays). Each of ``names`` (the person's
    name, email, phone as they appeared) is replaced by "[erased]" in the summaries; the
    field changes, address and user agent are emptied and, with ``detach``, the entries
    no longer point at the client. Nothing else about an entry can change: on PostgreSQL
    the audit log's trigger allows only this, and only for the client named in this
    transaction (``portal.audit_erase_client``). Returns how many entries were redacted."""
    if client.clinic_id != clinic.pk:
        raise ClientError(
            gettext("That client belongs to another clinic."),
            field="client",
            code=PeopleErrorCode.OTHER_CLINIC,
        )
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT set_config('portal.audit_erase_client', %s, true)", [str(client.pk)]
            )
    # A plain queryset: AuditEntry's own refuses every update (this is the one exception).
    rows = models.QuerySet(AuditEntry).filter(clinic=clinic, client=client)
    words = sorted({str(n).strip() for n in names if n and str(n).strip()}, key=len, reverse=True)
    count = 0
    for pk, summary in list(rows.values_list("pk", "summary")):
        for word in words:
            summary = summary.replace(word, ERASED)
        values = {"summary": summary, "changes": {}, "ip_address": None, "user_agent": ""}
        if detach:
            values["client"] = None
        count += models.QuerySet(AuditEntry).filter(pk=pk).update(**values)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT set_config('portal.audit_erase_client', '', true)")
    return count
