"""The generic REST/JSON connector: the contract in docs/sync.md, which any practice
system (or a small adapter in front of one) can speak."""

import datetime

from django.utils import timezone

from sync.connectors.base import (
    AuthError,
    CheckResult,
    HttpConnector,
    Page,
    PushRefused,
    RemoteError,
    with_retries,
)
from sync.records import record_parse

PATHS = {
    "clients": "/clients",
    "pets": "/pets",
    "appointments": "/appointments",
    "loyalty": "/loyalty_transactions",
}
# Contract field → normalised field, per resource.
FIELDS = {
    "clients": {"id": "external_id"},
    "pets": {"id": "external_id"},
    "appointments": {"id": "external_id"},
    "loyalty": {"id": "external_id"},
}


class RestConnector(HttpConnector):
    supports_consents = True
    supports_loyalty = True

    # --- auth -------------------------------------------------------------------------
    def _token(self, refresh=False):
        connection = self.connection
        creds = connection.credentials or {}
        if connection.auth == "api_key":
            return creds.get("api_key", "")
        if (
            not refresh
            and connection.access_token
            and connection.token_expires_at
            and connection.token_expires_at > timezone.now() + datetime.timedelta(seconds=60)
        ):
            return connection.access_token
        response = self._send(
            "POST",
            creds.get("token_url") or "/oauth/token",
            data={
                "grant_type": "client_credentials",
                "client_id": creds.get("client_id", ""),
                "client_secret": creds.get("client_secret", ""),
                **({"scope": creds["scope"]} if creds.get("scope") else {}),
            },
        )
        if response.status_code in (400, 401, 403):
            raise AuthError(f"token refused: HTTP {response.status_code}")
        self._raise_for(response)
        body = self._json(response)
        token = body.get("access_token") if isinstance(body, dict) else None
        if not token:
            raise AuthError("the token answer has no access_token")
        self._store_token(token, body.get("expires_in"))
        return token

    def _store_token(self, token, expires_in):
        from sync.services.connections import connection_token_store

        seconds = expires_in if isinstance(expires_in, int) else 3600
        connection_token_store(
            connection=self.connection,
            token=token,
            expires_at=timezone.now() + datetime.timedelta(seconds=seconds),
        )

    def _call(self, method, path, **kwargs):
        """One authenticated call; a 401 gets a fresh token once."""
        for refresh in (False, True):
            headers = {"Authorization": f"Bearer {self._token(refresh=refresh)}"}
            response = self._send(method, path, headers=headers, **kwargs)
            if response.status_code == 401 and not refresh and self.connection.auth == "oauth2":
                continue
            return response
        return response

    def _get_json(self, path, params=None):
        def call():
            response = self._call("GET", path, params=params)
            self._raise_for(response)
            return self._json(response)

        return with_retries(call)

    # --- the seam ---------------------------------------------------------------------
    def check(self) -> CheckResult:
        result = CheckResult()
        try:
            response = self._call("GET", "/health")
        except AuthError as exc:
            result.reachable, result.message = True, str(exc)
            return result
        except RemoteError as exc:
            result.message = str(exc)
            return result
        result.reachable = True
        if response.status_code in (401, 403):
            result.message = f"credentials refused (HTTP {response.status_code})"
            return result
        result.authenticated = response.status_code < 400
        for resource in self.resources():
            try:
                answer = self._call("GET", PATHS[resource], params={"limit": 1})
                result.resources[resource] = answer.status_code == 200
            except RemoteError:
                result.resources[resource] = False
        return result

    def fetch(self, resource, cursor, limit) -> Page:
        params = {"limit": limit}
        if cursor:
            params["cursor"] = cursor
        body = self._get_json(PATHS[resource], params)
        if not isinstance(body, dict) or not isinstance(body.get("items"), list):
            raise RemoteError(f"GET {PATHS[resource]}: no items list in the answer")
        next_cursor = body.get("next_cursor")
        if not isinstance(next_cursor, str):
            next_cursor = cursor
        return Page(items=body["items"], cursor=next_cursor, more=bool(body.get("has_more")))

    def parse(self, resource, item):
        if isinstance(item, dict):
            item = {FIELDS[resource].get(k, k): v for k, v in item.items()}
            if resource == "appointments" and "status" in item:
                status = item.pop("status")
                item["cancelled"] = status == "cancelled"
                if status not in ("booked", "cancelled"):
                    item["cancelled"] = status  # not a status: refused, naming the field
        return record_parse(resource, item)

    # --- pushes -----------------------------------------------------------------------
    def _push(self, method, path, payload):
        payload = {
            k: v.isoformat() if isinstance(v, datetime.date | datetime.datetime) else v
            for k, v in payload.items()
        }

        def call():
            response = self._call(method, path, json_body=payload)
            if response.status_code in (409, 422):
                body = self._json(response) if response.content else {}
                detail = body.get("detail") if isinstance(body, dict) else ""
                raise PushRefused(detail or f"HTTP {response.status_code}")
            self._raise_for(response)
            return self._json(response) if response.content else {}

        return with_retries(call)

    def _created_id(self, body):
        if not isinstance(body, dict) or body.get("id") in (None, ""):
            raise RemoteError("the answer to a create has no id")
        return str(body["id"])

    def client_create(self, payload):
        return self._created_id(self._push("POST", "/clients", payload))

    def pet_create(self, payload):
        return self._created_id(self._push("POST", "/pets", payload))

    def appointment_create(self, payload):
        return self._created_id(self._push("POST", "/appointments", payload))

    def appointment_move(self, external_id, payload):
        self._push("PATCH", f"/appointments/{external_id}", payload)

    def appointment_cancel(self, external_id):
        self._push("POST", f"/appointments/{external_id}/cancel", {})

    def consent_create(self, payload):
        return self._created_id(self._push("POST", "/consents", payload))
