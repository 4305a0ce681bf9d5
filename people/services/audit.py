"""The audit trail: every staff read or change of a client record, in the same transaction
as the change."""

from django.contrib.auth import get_user_model
from django.db import transaction
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
