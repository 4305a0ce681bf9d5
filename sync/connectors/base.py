"""What a connector provides, and the HTTP plumbing both connectors share.

A connector turns one practice system's API into the sync's terms:

- ``check()`` → ``CheckResult``: reachable, authenticated, which resources answer;
- ``fetch(resource, cursor, limit)`` → ``Page``: one page of raw items changed since
  ``cursor`` (``""``: from the beginning) and the cursor after it; ``resource`` is one of
  ``resources()``: ``clients``, ``pets``, ``appointments``, and ``loyalty`` (its loyalty
  transactions) where the system has them (``supports_loyalty``) and the clinic's
  programme takes its points from there;
- ``parse(resource, item)`` → one normalised record (``sync.records``), or
  ``RecordError`` naming what is wrong with that item alone;
- pushes: ``client_create``, ``pet_create``, ``appointment_create`` (return the new
  external id), ``appointment_move``, ``appointment_cancel``, and where the system
  takes them (``supports_consents``) ``consent_create`` for a consent form signed in
  the portal. A push the remote refuses on its merits (the slot is taken there) raises
  ``PushRefused``.

``RemoteError`` is a failing remote (connection refused, timeout, 5xx, 429, an answer
that is not JSON): retried with back-off here, and the run fails if it goes on.
``AuthError`` (credentials refused) is not retried.
"""

import json
import time
from dataclasses import dataclass, field

import requests
from django.conf import settings

TIMEOUT = (5, 30)  # connect, read (seconds)


class RemoteError(Exception):
    pass


class AuthError(RemoteError):
    pass


class PushRefused(Exception):
    """The practice system said no to a push (e.g. the slot is taken there)."""


class RecordError(Exception):
    """One item cannot be used; ``external_id`` names it when known."""

    def __init__(self, message, external_id=""):
        super().__init__(message)
        self.external_id = external_id


@dataclass
class Page:
    items: list
    cursor: str  # where the next fetch starts (also after the last page)
    more: bool  # another page follows now


@dataclass
class CheckResult:
    reachable: bool = False
    authenticated: bool = False
    resources: dict = field(default_factory=dict)  # resource → True/False
    message: str = ""

    @property
    def ok(self):
        return self.reachable and self.authenticated and all(self.resources.values())


def retry_delays():
    """Seconds to wait before each retry of a failing call (settings.SYNC_RETRY_DELAYS)."""
    return tuple(getattr(settings, "SYNC_RETRY_DELAYS", (1, 4, 15)))


def with_retries(call):
    """``call()`` again after each delay while it raises ``RemoteError`` (not
    ``AuthError``); the last failure is raised."""
    delays = retry_delays()
    for attempt in range(len(delays) + 1):
        try:
            return call()
        except AuthError:
            raise
        except RemoteError:
            if attempt == len(delays):
                raise
            time.sleep(delays[attempt])
    raise AssertionError("unreachable")


class HttpConnector:
    """requests with timeouts, JSON answers and the error mapping above."""

    supports_consents = False  # does the system take consent forms signed in the portal
    supports_loyalty = False  # does the system list loyalty transactions

    def resources(self):
        """What a run pulls, in order (clients first: the rest point at them)."""
        from sync.models import RESOURCES
        from sync.services.loyalty_pull import practice_points_pulled

        pulled = list(RESOURCES)
        if self.supports_loyalty and practice_points_pulled(self.connection.clinic):
            pulled.append("loyalty")
        return pulled

    def __init__(self, connection, session=None):
        self.connection = connection
        self.session = session or requests.Session()
        self.base = connection.base_url.rstrip("/")

    def _send(
        self, method, path, *, params=None, json_body=None, headers=None, data=None, files=None
    ):
        url = path if path.startswith("http") else f"{self.base}{path}"
        try:
            response = self.session.request(
                method,
                url,
                params=params,
                json=json_body,
                data=data,
                files=files,
                headers=headers or {},
                timeout=TIMEOUT,
            )
        except requests.RequestException as exc:
            raise RemoteError(f"{method} {url}: {exc.__class__.__name__}") from exc
        return response

    @staticmethod
    def _json(response):
        try:
            return response.json()
        except (ValueError, json.JSONDecodeError) as exc:
            raise RemoteError(
                f"{response.request.method} {response.url}: the answer is not JSON "
                f"(HTTP {response.status_code})"
            ) from exc

    @staticmethod
    def _raise_for(response, detail=""):
        status = response.status_code
        where = f"{response.request.method} {response.url}"
        if status in (401, 403):
            raise AuthError(f"{where}: HTTP {status} {detail}".strip())
        if status == 429 or status >= 500:
            raise RemoteError(f"{where}: HTTP {status} {detail}".strip())
        if status >= 400:
            raise RemoteError(f"{where}: HTTP {status} {detail}".strip())
