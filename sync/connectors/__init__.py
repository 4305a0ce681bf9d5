"""The connectors the sync knows, by ``SyncConnection.kind``."""

from sync.connectors.base import (
    AuthError,
    CheckResult,
    Page,
    PushRefused,
    RecordError,
    RemoteError,
)


def connector_for(connection, session=None):
    from sync.connectors.ezyvet import EzyVetConnector
    from sync.connectors.rest import RestConnector

    kinds = {"rest": RestConnector, "ezyvet": EzyVetConnector}
    return kinds[connection.kind](connection, session=session)


__all__ = [
    "AuthError",
    "CheckResult",
    "Page",
    "PushRefused",
    "RecordError",
    "RemoteError",
    "connector_for",
]
