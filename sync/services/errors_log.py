"""Per-record errors: one row per (resource, external id), counted when seen again."""

import hashlib
import json

from django.db.models import F
from django.utils import timezone

from sync.models import SyncRecordError


def record_key(external_id, raw) -> str:
    """The record's id, or for a record without one a digest of what was sent."""
    if external_id:
        return str(external_id)[:80]
    text = raw if isinstance(raw, str) else json.dumps(raw, sort_keys=True, default=str)
    return "#" + hashlib.sha256(text.encode()).hexdigest()[:16]


def record_error_log(*, connection, resource, external_id, message, raw, now=None) -> None:
    now = now or timezone.now()
    key = record_key(external_id, raw)
    text = raw if isinstance(raw, str) else json.dumps(raw, default=str)
    updated = SyncRecordError.objects.filter(
        connection=connection, resource=resource, external_id=key
    ).update(
        message=str(message)[:2000],
        raw=text[:4000],
        occurrences=F("occurrences") + 1,
        last_seen=now,
        resolved_at=None,
    )
    if not updated:
        SyncRecordError.objects.create(
            connection=connection,
            clinic_id=connection.clinic_id,
            resource=resource,
            external_id=key,
            message=str(message)[:2000],
            raw=text[:4000],
            first_seen=now,
            last_seen=now,
        )
