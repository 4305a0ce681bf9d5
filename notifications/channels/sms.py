"""SMS: one text per delivery, to the mobile number (E.164) that the sender of the
notification gave ``notify(phone=…)``, stored on the delivery so a retry texts the same.

``settings.SMS_BACKEND`` picks how it leaves:

- ``"file"`` (default): one JSON file per message under ``SMS_FILE_PATH``
  (default ``VAR_DIR/sms``), for the demo and development;
- ``"http"``: a provider's HTTP API — POST JSON ``{to, from, body}`` to ``SMS_API_URL``
  with ``Authorization: Bearer SMS_API_KEY`` and an ``Idempotency-Key`` header derived
  from the notification, so a provider that honours it drops a retried duplicate;
- a dotted path to a callable ``send(*, to, sender, body, idempotency_key) -> str``.

Like every channel it raises on failure; the outbox records the error and retries.
"""

import datetime
import hashlib
import json
import re
import urllib.error
import urllib.request
from pathlib import Path

from django.conf import settings
from django.utils import timezone
from django.utils.module_loading import import_string

from notifications.models import Delivery

SMS_MAX_CHARS = 612  # four concatenated GSM segments; longer texts are cut
HTTP_TIMEOUT_SECONDS = 10


class SmsError(Exception):
    """The text could not be sent (no number, or the provider refused it)."""


def send_sms(delivery):
    notification = delivery.notification
    clinic = notification.clinic
    phone = delivery.extra.get("to", "")
    if not phone:
        raise SmsError(f"{notification.user} has no mobile number at {clinic}.")
    backend = _backend()
    provider_id = backend(
        to=phone,
        sender=sms_sender(clinic),
        body=sms_text(notification),
        idempotency_key=_idempotency_key(notification),
    )
    if provider_id:
        extra = {**delivery.extra, "provider_id": str(provider_id)}
        Delivery.objects.filter(pk=delivery.pk).update(extra=extra)


def sms_sender(clinic) -> str:
    """``settings.SMS_FROM`` (a number or sender id), else the clinic's name as an
    alphanumeric sender id (letters, digits and spaces, at most 11)."""
    configured = getattr(settings, "SMS_FROM", "")
    if configured:
        return configured
    return re.sub(r"[^A-Za-z0-9 ]", "", clinic.name).strip()[:11].strip() or "Clinic"


def sms_text(notification) -> str:
    text = "\n".join(part for part in (notification.title, notification.body) if part).strip()
    if len(text) > SMS_MAX_CHARS:
        text = text[: SMS_MAX_CHARS - 1].rstrip() + "…"
    return text


def _idempotency_key(notification):
    return hashlib.sha256(f"sms:{notification.idempotency_key}".encode()).hexdigest()[:40]


def _backend():
    name = getattr(settings, "SMS_BACKEND", "") or "file"
    if name == "file":
        return file_backend
    if name == "http":
        return http_backend
    return import_string(name)


def file_backend(*, to, sender, body, idempotency_key) -> str:
    folder = Path(getattr(settings, "SMS_FILE_PATH", None) or settings.VAR_DIR / "sms")
    folder.mkdir(parents=True, exist_ok=True)
    now = timezone.now().astimezone(datetime.UTC)
    path = folder / f"{now:%Y%m%dT%H%M%S%f}-{idempotency_key[:12]}.json"
    record = {"to": to, "from": sender, "body": body, "at": now.isoformat()}
    path.write_text(json.dumps(record, ensure_ascii=False, indent=2), encoding="utf-8")
    return path.name


def http_backend(*, to, sender, body, idempotency_key) -> str:
    url = getattr(settings, "SMS_API_URL", "")
    if not url:
        raise SmsError("SMS_BACKEND is 'http' but SMS_API_URL is not set.")
    request = urllib.request.Request(
        url,
        data=json.dumps({"to": to, "from": sender, "body": body}).encode(),
        method="POST",
        headers={
            "Content-Type": "application/json",
            "Accept": "application/json",
            "Authorization": f"Bearer {getattr(settings, 'SMS_API_KEY', '')}",
            "Idempotency-Key": idempotency_key,
        },
    )
    try:
        with urllib.request.urlopen(request, timeout=HTTP_TIMEOUT_SECONDS) as response:
            raw = response.read()
    except urllib.error.HTTPError as exc:
        detail = exc.read()[:300].decode("utf-8", "replace")
        raise SmsError(f"The SMS provider answered {exc.code}: {detail}") from exc
    except (urllib.error.URLError, TimeoutError) as exc:
        raise SmsError(f"The SMS provider could not be reached: {exc}") from exc
    try:
        answer = json.loads(raw or b"{}")
    except ValueError:
        return ""
    return str(answer.get("id") or answer.get("sid") or "") if isinstance(answer, dict) else ""
