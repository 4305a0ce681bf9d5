"""Apple Push Notification service: HTTP/2 over TLS (ALPN ``h2``) with token-based
provider authentication.

Each request is ``POST /3/device/<device token>`` with ``authorization: bearer <JWT>``
(ES256 with the team's .p8 key: header ``kid`` the key id, claims ``iss`` the team id
and ``iat``; Apple wants it renewed between 20 and 60 minutes old, we keep it 50),
``apns-topic`` (the app's bundle id), ``apns-push-type: alert``, ``apns-priority`` and
``apns-expiration``, and the JSON payload (``aps`` plus the app's own keys).

A device token the app no longer has is 410 ``Unregistered``; one that is malformed or
for another app is 400 ``BadDeviceToken`` / ``DeviceTokenNotForTopic``: both are gone."""

import json
import socket
import ssl
import threading
import time
from urllib.parse import urlsplit

import h2.config
import h2.connection
import h2.events
import h2.exceptions
import jwt
from django.conf import settings

from notifications.providers import Result, text_or_file

TIMEOUT = 10
TOKEN_LIFETIME = 50 * 60
EXPIRATION = 24 * 3600  # Apple keeps trying an offline device for a day
_GONE = {"BadDeviceToken", "DeviceTokenNotForTopic", "Unregistered"}

_tokens: dict[tuple, tuple[str, float]] = {}  # (team, key id) -> (JWT, made at)
_lock = threading.Lock()


class ApnsError(Exception):
    pass


class ApnsClient:
    def __init__(self, *, key_pem, key_id, team_id, topic, base_url, ca_file=""):
        self.key_pem = key_pem
        self.key_id = key_id
        self.team_id = team_id
        self.topic = topic
        parts = urlsplit(base_url)
        self.host = parts.hostname
        self.port = parts.port or 443
        self.ca_file = ca_file

    @classmethod
    def from_settings(cls):
        """The configured client, or None when APNs is not configured."""
        key = text_or_file(settings.APNS_KEY)
        if not (key and settings.APNS_KEY_ID and settings.APNS_TEAM_ID and settings.APNS_TOPIC):
            return None
        return cls(
            key_pem=key,
            key_id=settings.APNS_KEY_ID,
            team_id=settings.APNS_TEAM_ID,
            topic=settings.APNS_TOPIC,
            base_url=settings.APNS_BASE_URL,
            ca_file=settings.APNS_CA_FILE,
        )

    def provider_token(self, *, fresh=False) -> str:
        cache_key = (self.team_id, self.key_id)
        with _lock:
            cached = _tokens.get(cache_key)
            now = time.time()
            if cached and not fresh and now - cached[1] < TOKEN_LIFETIME:
                return cached[0]
            token = jwt.encode(
                {"iss": self.team_id, "iat": int(now)},
                self.key_pem,
                algorithm="ES256",
                headers={"kid": self.key_id},
            )
            _tokens[cache_key] = (token, now)
            return token

    # --- HTTP/2 -----------------------------------------------------------------------

    def _connect(self):
        context = ssl.create_default_context()
        if self.ca_file:
            context.load_verify_locations(cafile=self.ca_file)
        context.set_alpn_protocols(["h2"])
        raw = socket.create_connection((self.host, self.port), timeout=TIMEOUT)
        try:
            sock = context.wrap_socket(raw, server_hostname=self.host)
        except Exception:
            raw.close()
            raise
        if sock.selected_alpn_protocol() != "h2":
            sock.close()
            raise ApnsError("the APNs server did not agree to HTTP/2")
        conn = h2.connection.H2Connection(
            config=h2.config.H2Configuration(client_side=True, header_encoding="utf-8")
        )
        conn.initiate_connection()
        sock.sendall(conn.data_to_send())
        return sock, conn

    def _request(self, sock, conn, device_token, payload: bytes, *, fresh=False):
        """One request on the open connection; returns (status, reason)."""
        stream_id = conn.get_next_available_stream_id()
        conn.send_headers(
            stream_id,
            [
                (":method", "POST"),
                (":scheme", "https"),
                (":authority", self.host if self.port == 443 else f"{self.host}:{self.port}"),
                (":path", f"/3/device/{device_token}"),
                ("authorization", f"bearer {self.provider_token(fresh=fresh)}"),
                ("apns-topic", self.topic),
                ("apns-push-type", "alert"),
                ("apns-priority", "10"),
                ("apns-expiration", str(int(time.time()) + EXPIRATION)),
                ("content-type", "application/json"),
                ("content-length", str(len(payload))),
            ],
        )
        conn.send_data(stream_id, payload, end_stream=True)
        sock.sendall(conn.data_to_send())
        status, body = None, b""
        while True:
            data = sock.recv(65535)
            if not data:
                raise ApnsError("the APNs server closed the connection")
            for event in conn.receive_data(data):
                if isinstance(event, h2.events.ResponseReceived) and event.stream_id == stream_id:
                    status = int(dict(event.headers)[":status"])
                elif isinstance(event, h2.events.DataReceived) and event.stream_id == stream_id:
                    body += event.data
                    conn.acknowledge_received_data(event.flow_controlled_length, stream_id)
                elif isinstance(event, h2.events.StreamReset) and event.stream_id == stream_id:
                    raise ApnsError(f"the APNs server reset the stream ({event.error_code})")
                elif isinstance(event, h2.events.ConnectionTerminated):
                    raise ApnsError(f"the APNs server went away ({event.error_code})")
                elif isinstance(event, h2.events.StreamEnded) and event.stream_id == stream_id:
                    sock.sendall(conn.data_to_send())
                    reason = ""
                    if body:
                        try:
                            reason = json.loads(body).get("reason", "")
                        except ValueError:
                            reason = body[:200].decode(errors="replace")
                    return status, reason
            sock.sendall(conn.data_to_send())

    def send_many(self, items) -> list[Result]:
        """Send each ``(device token, payload dict)`` in turn on one connection."""
        try:
            sock, conn = self._connect()
        except (OSError, ApnsError) as exc:
            return [Result(error=f"APNs unreachable: {exc}") for _ in items]
        results = []
        try:
            for device_token, payload in items:
                body = json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode()
                try:
                    status, reason = self._request(sock, conn, device_token, body)
                    if status == 403 and reason == "ExpiredProviderToken":
                        status, reason = self._request(sock, conn, device_token, body, fresh=True)
                except (OSError, ApnsError, h2.exceptions.ProtocolError) as exc:
                    results.append(Result(error=f"APNs: {exc}"))
                    results += [Result(error="APNs: connection lost")] * (len(items) - len(results))
                    return results
                if status == 200:
                    results.append(Result(ok=True))
                elif status == 410 or reason in _GONE:
                    results.append(Result(gone=True, error=reason or "Unregistered"))
                else:
                    results.append(Result(error=f"APNs {status}: {reason}"))
            return results
        finally:
            try:
                conn.close_connection()
                sock.sendall(conn.data_to_send())
            except (OSError, h2.exceptions.ProtocolError):
                pass
            sock.close()
