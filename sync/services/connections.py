"""A clinic's connection to its practice system: settings, the token, the test."""

from urllib.parse import urlsplit

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from sync.errors import SyncError, SyncErrorCode
from sync.models import AuthKind, ConnectorKind, SyncConnection

CREDENTIAL_KEYS = {
    AuthKind.API_KEY: ("api_key",),
    AuthKind.OAUTH2: ("client_id", "client_secret", "partner_id", "token_url", "scope"),
}


def _invalid(message, field):
    return SyncError(message, field=field, code=SyncErrorCode.CONNECTION_INVALID)


@transaction.atomic
def connection_save(
    *,
    clinic,
    kind,
    base_url,
    auth=AuthKind.API_KEY,
    credentials=None,
    staff_map=None,
    enabled=True,
    pet_removal_hours=24,
    interval_minutes=5,
) -> SyncConnection:
    """Create or change the clinic's connection. A credential left empty keeps the one
    stored (forms never show them back)."""
    if kind not in ConnectorKind.values:
        raise _invalid(_("Choose a practice system."), "kind")
    if auth not in AuthKind.values:
        raise _invalid(_("Choose how to sign in."), "auth")
    parts = urlsplit(base_url or "")
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise _invalid(_("Give the system's address, starting with https://."), "base_url")
    if not 1 <= int(pet_removal_hours) <= 48:
        raise _invalid(
            _("Pets leave the app between 1 and 48 hours after the change."), "pet_removal_hours"
        )
    if not 1 <= int(interval_minutes) <= 1440:
        raise _invalid(_("Run between every minute and once a day."), "interval_minutes")
    if staff_map is not None and not (
        isinstance(staff_map, dict) and all(isinstance(v, str) for v in staff_map.values())
    ):
        raise _invalid(_("Map each practice resource id to a staff key."), "staff_map")
    connection = SyncConnection.objects.select_for_update().filter(clinic=clinic).first()
    if connection is None:
        connection = SyncConnection(clinic=clinic, next_run_at=timezone.now())
    stored = dict(connection.credentials or {}) if connection.auth == auth else {}
    for key in CREDENTIAL_KEYS[auth]:
        value = (credentials or {}).get(key)
        if value:
            stored[key] = str(value).strip()
    if auth == AuthKind.API_KEY and not stored.get("api_key"):
        raise _invalid(_("Give the API key."), "api_key")
    if auth == AuthKind.OAUTH2 and not (stored.get("client_id") and stored.get("client_secret")):
        raise _invalid(_("Give the client id and secret."), "client_id")
    if (connection.kind, connection.base_url, connection.credentials) != (kind, base_url, stored):
        connection.access_token, connection.token_expires_at = "", None
    connection.kind, connection.base_url, connection.auth = kind, base_url, auth
    connection.credentials = stored
    if staff_map is not None:
        connection.staff_map = staff_map
    connection.enabled = enabled
    connection.pet_removal_hours = int(pet_removal_hours)
    connection.interval_minutes = int(interval_minutes)
    connection.save()
    return connection


def connection_token_store(*, connection, token, expires_at) -> None:
    """Keep a fresh access token (its own write: the run's transaction may roll back)."""
    connection.access_token, connection.token_expires_at = token, expires_at
    SyncConnection.objects.filter(pk=connection.pk).update(
        access_token=token, token_expires_at=expires_at
    )


def connection_test(*, connection, session=None):
    """Ask the remote: reachable, authenticated, which resources answer."""
    from sync.connectors import connector_for

    return connector_for(connection, session=session).check()
