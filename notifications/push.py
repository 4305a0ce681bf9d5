"""Web push: VAPID keys and the patient's browser subscriptions.

Subscriptions are django-push-notifications ``WebPushDevice`` rows. A browser
subscription belongs to the origin it was made on, and every clinic has its own domain,
so a device is kept per clinic: its ``name`` is the clinic's slug.
"""

import base64
from pathlib import Path

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext
from push_notifications.models import WebPushDevice

from branding.errors import DomainError
from notifications.errors import NotificationErrorCode
from notifications.models import AppDevice


class PushError(DomainError):
    pass


def _private_key_setting() -> str:
    return settings.PUSH_NOTIFICATIONS_SETTINGS.get("WP_PRIVATE_KEY", "")


def vapid_keys_ensure(path: Path) -> bool:
    """Write a new P-256 VAPID private key (PEM) to ``path`` unless one is there.
    Returns True when a key was created (the demo's first run)."""
    path = Path(path)
    if path.exists():
        return False
    path.parent.mkdir(parents=True, exist_ok=True)
    key = ec.generate_private_key(ec.SECP256R1())
    pem = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    path.write_bytes(pem)
    path.chmod(0o600)
    return True


def _load_private_key():
    value = _private_key_setting()
    if not value:
        return None
    candidate = Path(value)
    if candidate.is_file():
        return serialization.load_pem_private_key(candidate.read_bytes(), password=None)
    if value.lstrip().startswith("-----BEGIN"):
        return serialization.load_pem_private_key(value.encode(), password=None)
    # pywebpush also accepts the raw private number, base64url-encoded (DER or 32 bytes).
    raw = base64.urlsafe_b64decode(value + "=" * (-len(value) % 4))
    if len(raw) == 32:
        return ec.derive_private_key(int.from_bytes(raw, "big"), ec.SECP256R1())
    return serialization.load_der_private_key(raw, password=None)


def vapid_public_key() -> str:
    """The application server key a browser subscribes with (base64url, uncompressed
    point), or "" when no VAPID key is configured (push then stays off)."""
    try:
        key = _load_private_key()
    except (OSError, ValueError):
        return ""
    if key is None:
        return ""
    point = key.public_key().public_bytes(
        serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint
    )
    return base64.urlsafe_b64encode(point).rstrip(b"=").decode("ascii")


def push_devices_for(clinic, user):
    return WebPushDevice.objects.filter(user=user, name=clinic.slug, active=True)


def push_enabled_for(clinic, user) -> bool:
    """Whether a browser of the person's is subscribed here (the portal's push switch)."""
    return push_devices_for(clinic, user).exists()


def push_reachable(clinic, user) -> bool:
    """Whether push reaches the person here at all: a browser or a phone's app."""
    return (
        push_enabled_for(clinic, user)
        or AppDevice.objects.filter(clinic=clinic, user=user).exists()
    )


_BROWSERS = {"CHROME", "FIREFOX", "OPERA", "EDGE", "SAFARI"}


@transaction.atomic
def push_subscription_save(*, clinic, user, endpoint, p256dh, auth, browser="CHROME"):
    """Store (or refresh) the browser subscription ``endpoint`` for this person at this
    clinic. The same endpoint is one device: subscribing again updates its keys."""
    endpoint = (endpoint or "").strip()
    if not endpoint.startswith("https://") or len(endpoint) > 2000:
        raise PushError(
            gettext("The push endpoint must be an https:// address."),
            field="endpoint",
            code=NotificationErrorCode.PUSH_ENDPOINT_INVALID,
        )
    for field, value, size in (("p256dh", p256dh, 88), ("auth", auth, 24)):
        if not value or len(value) > size:
            raise PushError(
                gettext("The subscription's %(key)s key is missing or too long.") % {"key": field},
                field=field,
                code=NotificationErrorCode.PUSH_KEY_INVALID,
            )
        try:
            base64.urlsafe_b64decode(value + "=" * (-len(value) % 4))
        except ValueError as exc:
            raise PushError(
                gettext("The subscription's %(key)s key is not base64.") % {"key": field},
                field=field,
                code=NotificationErrorCode.PUSH_KEY_INVALID,
            ) from exc
    browser = (browser or "CHROME").upper()
    if browser not in _BROWSERS:
        browser = "CHROME"
    device, _ = WebPushDevice.objects.update_or_create(
        registration_id=endpoint,
        defaults={
            "user": user,
            "name": clinic.slug,
            "p256dh": p256dh,
            "auth": auth,
            "browser": browser,
            "active": True,
        },
    )
    return device


@transaction.atomic
def push_subscription_delete(*, clinic, user, endpoint=None) -> int:
    """Forget this person's subscriptions at this clinic (one endpoint, or all)."""
    devices = WebPushDevice.objects.filter(user=user, name=clinic.slug)
    if endpoint:
        devices = devices.filter(registration_id=endpoint)
    return devices.delete()[0]
