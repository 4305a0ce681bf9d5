"""ezyVet (developers.ezyvet.com): OAuth2 client credentials, paged v1 resources.

- Token: ``POST /v1/oauth/access_token`` with a JSON body (``partner_id``,
  ``client_id``, ``client_secret``, ``grant_type: client_credentials``, ``scope``);
  the answer's ``access_token`` is a bearer token for ``expires_in`` seconds (12 hours);
  a 401 on any call means "get a new token".
- Lists: ``GET /v1/contact``, ``/v1/animal``, ``/v1/appointment`` with ``limit`` (at most
  200), ``page`` (from 1) and the field comparator ``modified_at={"gte": <epoch>}``;
  the answer is ``{"meta": {"items_total", "items_page_total", "items_page",
  "items_page_size"}, "items": [{"contact": {...}}, ...]}``. Contacts' email addresses
  and phones are ``/v1/contactdetail`` rows (``contact_id``, ``value``), fetched once per
  page of contacts; species names from ``/v1/species`` once per run.
- Errors: ``{"messages": [{"level": "error", "type": ..., "text": ...}]}``.
- Writes: ``POST /v1/contact``, ``/v1/contactdetail``, ``/v1/animal``,
  ``/v1/appointment``; ``PATCH /v1/appointment/<id>`` to move (``start_time``,
  ``duration``) or cancel (``active: false``). A refused appointment (the time is taken)
  is a 400/409 with its messages.
- Consent forms signed in the portal: ``POST /v1/attachment`` as multipart form data
  (``record_type`` ``Contact``, ``record_id``, ``notes``, ``file``: the signed PDF),
  linked to the client's contact record; ezyVet keeps no answers of its own, so the PDF
  is the record and the notes say what it is.

The cursor is ``<since epoch>:<next page>:<newest modified_at seen>``; after the last
page it becomes ``<newest>:1:<newest>``, so the next run asks only for what changed
since (``gte``: a record changed in that same second is fetched again, and applying it
twice changes nothing).
"""

import base64
import contextlib
import datetime
import json

from django.utils import timezone

from sync.connectors.base import (
    AuthError,
    CheckResult,
    HttpConnector,
    Page,
    PushRefused,
    RecordError,
    RemoteError,
    with_retries,
)
from sync.records import record_parse

RESOURCE_PATHS = {"clients": "contact", "pets": "animal", "appointments": "appointment"}
SCOPES = "read-contact read-contactdetail read-animal read-species read-appointment " + (
    "write-contact write-contactdetail write-animal write-appointment write-attachment"
)
UTC = datetime.UTC


def _epoch_to_aware(value):
    return datetime.datetime.fromtimestamp(int(value), UTC)


def _messages(body):
    if isinstance(body, dict) and isinstance(body.get("messages"), list):
        return "; ".join(
            str(m.get("text", "")) for m in body["messages"] if isinstance(m, dict)
        ).strip()
    return ""


class EzyVetConnector(HttpConnector):
    supports_consents = True

    def __init__(self, connection, session=None):
        super().__init__(connection, session=session)
        self._species = None

    # --- auth -------------------------------------------------------------------------
    def _token(self, refresh=False):
        connection = self.connection
        if (
            not refresh
            and connection.access_token
            and connection.token_expires_at
            and connection.token_expires_at > timezone.now() + datetime.timedelta(minutes=5)
        ):
            return connection.access_token
        creds = connection.credentials or {}
        response = self._send(
            "POST",
            "/v1/oauth/access_token",
            json_body={
                "partner_id": creds.get("partner_id", ""),
                "client_id": creds.get("client_id", ""),
                "client_secret": creds.get("client_secret", ""),
                "grant_type": "client_credentials",
                "scope": creds.get("scope") or SCOPES,
            },
        )
        if response.status_code in (400, 401, 403):
            body = self._json(response) if response.content else {}
            why = _messages(body) or response.status_code
            raise AuthError(f"ezyVet refused the credentials: {why}")
        self._raise_for(response)
        body = self._json(response)
        token = body.get("access_token") if isinstance(body, dict) else None
        if not token:
            raise AuthError("ezyVet's token answer has no access_token")
        from sync.services.connections import connection_token_store

        expires_in = body.get("expires_in") if isinstance(body.get("expires_in"), int) else 43200
        connection_token_store(
            connection=connection,
            token=token,
            expires_at=timezone.now() + datetime.timedelta(seconds=expires_in),
        )
        return token

    def _call(self, method, path, **kwargs):
        response = None
        for refresh in (False, True):
            headers = {"Authorization": f"Bearer {self._token(refresh=refresh)}"}
            response = self._send(method, path, headers=headers, **kwargs)
            if response.status_code != 401:
                break
        return response

    def _get(self, path, params):
        def call():
            response = self._call("GET", path, params=params)
            if response.status_code >= 400:
                body = self._json(response) if response.content else {}
                self._raise_for(response, _messages(body))
            body = self._json(response)
            if not isinstance(body, dict) or not isinstance(body.get("items"), list):
                raise RemoteError(f"GET {path}: no items list in ezyVet's answer")
            return body

        return with_retries(call)

    # --- the seam ---------------------------------------------------------------------
    def check(self) -> CheckResult:
        result = CheckResult()
        try:
            self._token(refresh=True)
        except AuthError as exc:
            result.reachable, result.message = True, str(exc)
            return result
        except RemoteError as exc:
            result.message = str(exc)
            return result
        result.reachable = result.authenticated = True
        for resource, name in RESOURCE_PATHS.items():
            try:
                answer = self._call("GET", f"/v1/{name}", params={"limit": 1})
                result.resources[resource] = answer.status_code == 200
            except RemoteError:
                result.resources[resource] = False
        return result

    def fetch(self, resource, cursor, limit) -> Page:
        since, page, newest = 0, 1, 0
        if cursor:
            try:
                since, page, newest = (int(part) for part in cursor.split(":"))
            except ValueError:
                since, page, newest = 0, 1, 0
        name = RESOURCE_PATHS[resource]
        params = {"limit": min(limit, 200), "page": page}
        if since:
            params["modified_at"] = json.dumps({"gte": since}, separators=(",", ":"))
        body = self._get(f"/v1/{name}", params)
        rows = [item.get(name) if isinstance(item, dict) else item for item in body["items"]]
        for row in rows:
            if isinstance(row, dict):
                with contextlib.suppress(TypeError, ValueError):
                    newest = max(newest, int(row.get("modified_at") or 0))
        meta = body.get("meta") if isinstance(body.get("meta"), dict) else {}
        try:
            last_page = int(meta.get("items_page_total") or 1)
        except (TypeError, ValueError):
            last_page = 1
        items = rows
        if resource == "clients":
            items = self._with_details(rows)
        elif resource == "pets":
            items = self._with_species(rows)
        if page < last_page:
            return Page(items=items, cursor=f"{since}:{page + 1}:{newest}", more=True)
        mark = max(newest, since)
        return Page(items=items, cursor=f"{mark}:1:{mark}", more=False)

    def _with_details(self, contacts):
        ids = [str(c["id"]) for c in contacts if isinstance(c, dict) and c.get("id") is not None]
        details = {}
        if ids:
            body = self._get(
                "/v1/contactdetail",
                {"contact_id": json.dumps({"in": ids}, separators=(",", ":")), "limit": 200},
            )
            for item in body["items"]:
                row = item.get("contactdetail") if isinstance(item, dict) else None
                if isinstance(row, dict):
                    details.setdefault(str(row.get("contact_id")), []).append(row)
        out = []
        for contact in contacts:
            if isinstance(contact, dict):
                contact = {**contact, "_details": details.get(str(contact.get("id")), [])}
            out.append(contact)
        return out

    def _with_species(self, animals):
        if self._species is None:
            body = self._get("/v1/species", {"limit": 200})
            self._species = {
                str(item["species"]["id"]): str(item["species"].get("name", ""))
                for item in body["items"]
                if isinstance(item, dict) and isinstance(item.get("species"), dict)
            }
        out = []
        for animal in animals:
            if isinstance(animal, dict):
                animal = {
                    **animal,
                    "_species": self._species.get(str(animal.get("species_id")), ""),
                }
            out.append(animal)
        return out

    def parse(self, resource, item):
        if not isinstance(item, dict):
            raise RecordError(f"not a JSON object: {str(item)[:80]}")
        external_id = item.get("id")
        try:
            data = getattr(self, f"_{resource}")(item)
        except (TypeError, ValueError, KeyError, OverflowError) as exc:
            raise RecordError(
                f"unreadable {RESOURCE_PATHS[resource]}: {exc}",
                external_id=str(external_id or ""),
            ) from None
        return record_parse(resource, data)

    @staticmethod
    def _clients(item):
        details = item.get("_details") or []
        email = next((d["value"] for d in details if "@" in str(d.get("value", ""))), "")
        phones = [str(d.get("value", "")) for d in details if "@" not in str(d.get("value", ""))]
        phone = next((p for p in phones if any(ch.isdigit() for ch in p)), "")
        return {
            "external_id": item.get("id"),
            "email": email,
            "first_name": item.get("first_name") or "",
            "last_name": item.get("last_name") or "",
            "phone": phone,
        }

    @staticmethod
    def _pets(item):
        born = item.get("date_of_birth")
        if isinstance(born, int | float) or (isinstance(born, str) and born.isdigit()):
            born = _epoch_to_aware(born).date() if int(born) else None
        dead = str(item.get("is_dead", "0")) in ("1", "true", "True")
        active = str(item.get("active", "1")) in ("1", "true", "True")
        return {
            "external_id": item.get("id"),
            "owner_id": item.get("contact_id"),
            "name": item.get("name"),
            "species": item.get("_species", ""),
            "date_of_birth": born or None,
            "status": "deceased" if dead else ("active" if active else "inactive"),
        }

    @staticmethod
    def _appointments(item):
        details = item.get("details") or {}
        if not isinstance(details, dict):
            raise ValueError("details is not an object")
        start = details.get("start_at")
        end = details.get("end_at")
        resources = details.get("resource_list") or []
        return {
            "external_id": item.get("id"),
            "client_id": details.get("contact_id"),
            "pet_id": details.get("animal_id"),
            "resource_id": resources[0] if resources else None,
            "start": _epoch_to_aware(start) if start is not None else None,
            "end": _epoch_to_aware(end) if end is not None else None,
            "cancelled": str(item.get("active", "1")) not in ("1", "true", "True"),
            "portal_reference": details.get("description") or "",
        }

    # --- pushes -----------------------------------------------------------------------
    def _write(self, method, path, payload, name, files=None):
        def call():
            if files:
                response = self._call(method, path, data=payload, files=files)
            else:
                response = self._call(method, path, json_body=payload)
            body = self._json(response) if response.content else {}
            if response.status_code in (400, 409, 422) and name in ("appointment", "attachment"):
                raise PushRefused(_messages(body) or f"HTTP {response.status_code}")
            if response.status_code >= 400:
                self._raise_for(response, _messages(body))
            return body

        body = with_retries(call)
        try:
            return str(body["items"][0][name]["id"])
        except (KeyError, IndexError, TypeError) as exc:
            if method == "PATCH":
                return ""
            raise RemoteError(f"{method} {path}: no {name} id in ezyVet's answer") from exc

    def client_create(self, payload):
        contact_id = self._write(
            "POST",
            "/v1/contact",
            {
                "first_name": payload["first_name"],
                "last_name": payload["last_name"],
                "is_customer": True,
            },
            "contact",
        )
        for value in (payload.get("email"), payload.get("phone")):
            if value:
                self._write(
                    "POST",
                    "/v1/contactdetail",
                    {"contact_id": contact_id, "value": value, "preferred": True},
                    "contactdetail",
                )
        return contact_id

    def pet_create(self, payload):
        born = payload.get("date_of_birth")
        return self._write(
            "POST",
            "/v1/animal",
            {
                "name": payload["name"],
                "contact_id": payload["owner_id"],
                "date_of_birth": born.isoformat() if born else None,
            },
            "animal",
        )

    def _appointment_body(self, payload):
        start, end = payload["start"], payload["end"]
        return {
            "start_time": int(start.timestamp()),
            "duration": int((end - start).total_seconds() // 60),
            "resources": [{"id": payload["resource_id"]}] if payload.get("resource_id") else [],
        }

    def appointment_create(self, payload):
        body = {
            **self._appointment_body(payload),
            "contact_id": payload["client_id"],
            "animal_id": payload.get("pet_id"),
            "description": payload["portal_reference"],
        }
        return self._write("POST", "/v1/appointment", body, "appointment")

    def appointment_move(self, external_id, payload):
        body = self._appointment_body(payload)
        self._write("PATCH", f"/v1/appointment/{external_id}", body, "appointment")

    def appointment_cancel(self, external_id):
        self._write("PATCH", f"/v1/appointment/{external_id}", {"active": False}, "appointment")

    def consent_create(self, payload):
        signed_at = payload["signed_at"]
        notes = (
            f"{payload['title']}: signed in the client portal by {payload['signed_by']} "
            f"on {signed_at.isoformat()} ({payload['signature']} signature). "
            f"Portal reference {payload['portal_reference']}; "
            f"PDF SHA-256 {payload['pdf_sha256']}."
        )
        filename = f"{payload['portal_reference']}.pdf"
        return self._write(
            "POST",
            "/v1/attachment",
            {"record_type": "Contact", "record_id": payload["client_id"], "notes": notes},
            "attachment",
            files={"file": (filename, base64.b64decode(payload["pdf_base64"]), "application/pdf")},
        )
