"""Firebase Cloud Messaging, HTTP v1.

1. OAuth 2 for a service account (RFC 7523): a JWT signed RS256 with the account's
   private key (``iss`` the account, ``scope`` firebase.messaging, ``aud`` the token
   endpoint) is exchanged at the token endpoint for an access token, kept until shortly
   before it expires.
2. ``POST {FCM_API_BASE}/v1/projects/{project_id}/messages:send`` with
   ``Authorization: Bearer <access token>`` and ``{"message": {...}}``.

A token FCM no longer knows is 404 ``UNREGISTERED`` (or ``NOT_FOUND``); one that is not
an FCM token at all is 400 ``INVALID_ARGUMENT`` on ``message.token``: both are gone."""

import threading
import time

import jwt
import requests
from django.conf import settings

from notifications.providers import Result, json_or_file

SCOPE = "https://www.googleapis.com/auth/firebase.messaging"
GRANT_TYPE = "urn:ietf:params:oauth:grant-type:jwt-bearer"
TIMEOUT = 10
_GONE_CODES = {"UNREGISTERED", "NOT_FOUND"}

_tokens: dict[tuple, tuple[str, float]] = {}  # (account, token url) -> (token, expires)
_lock = threading.Lock()


class FcmClient:
    def __init__(self, service_account: dict, *, api_base: str, token_url: str = ""):
        self.account = service_account
        self.api_base = api_base.rstrip("/")
        self.token_url = token_url or service_account["token_uri"]
        self.project_id = service_account["project_id"]

    @classmethod
    def from_settings(cls):
        """The configured client, or None when FCM is not configured."""
        account = json_or_file(settings.FCM_SERVICE_ACCOUNT)
        if not account:
            return None
        return cls(account, api_base=settings.FCM_API_BASE, token_url=settings.FCM_TOKEN_URL)

    # --- OAuth ------------------------------------------------------------------------

    def _assertion(self) -> str:
        now = int(time.time())
        return jwt.encode(
            {
                "iss": self.account["client_email"],
                "scope": SCOPE,
                "aud": self.token_url,
                "iat": now,
                "exp": now + 3600,
            },
            self.account["private_key"],
            algorithm="RS256",
            headers={"kid": self.account.get("private_key_id", "")},
        )

    def access_token(self, *, fresh=False) -> str:
        cache_key = (self.account["client_email"], self.token_url)
        with _lock:
            cached = _tokens.get(cache_key)
            if cached and not fresh and cached[1] > time.time():
                return cached[0]
            answer = requests.post(
                self.token_url,
                data={"grant_type": GRANT_TYPE, "assertion": self._assertion()},
                timeout=TIMEOUT,
            )
            answer.raise_for_status()
            body = answer.json()
            # Renewed a minute early, so a token never lapses in flight.
            expires = time.time() + int(body.get("expires_in", 3600)) - 60
            _tokens[cache_key] = (body["access_token"], expires)
            return body["access_token"]

    # --- sending ----------------------------------------------------------------------

    def send(self, message: dict) -> Result:
        """Send one ``message`` (the v1 ``Message``: ``token``, ``notification``,
        ``data``, ``android``...)."""
        url = f"{self.api_base}/v1/projects/{self.project_id}/messages:send"
        for attempt in (1, 2):
            try:
                answer = requests.post(
                    url,
                    json={"message": message},
                    headers={"Authorization": f"Bearer {self.access_token(fresh=attempt > 1)}"},
                    timeout=TIMEOUT,
                )
            except requests.RequestException as exc:
                return Result(error=f"FCM unreachable: {exc}")
            if answer.status_code == 401 and attempt == 1:
                continue  # the access token was revoked or lapsed early: once more, fresh
            break
        if answer.status_code == 200:
            return Result(ok=True)
        return _refusal(answer)


def _refusal(answer) -> Result:
    try:
        error = answer.json().get("error", {})
    except ValueError:
        error = {}
    codes = {error.get("status", "")}
    bad_token = False
    for detail in error.get("details", []):
        codes.add(detail.get("errorCode", ""))
        for violation in detail.get("fieldViolations", []):
            bad_token |= violation.get("field") == "message.token"
    if answer.status_code == 404 or codes & _GONE_CODES or bad_token:
        return Result(gone=True, error=error.get("message", "unregistered"))
    return Result(error=f"FCM {answer.status_code}: {error.get('message', answer.text[:200])}")
