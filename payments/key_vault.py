"""A clinic's own Stripe secrets at rest: encrypted with Fernet (AES + HMAC) under
``STRIPE_KEYS_ENCRYPTION_KEY`` (any string; empty: derived from ``SECRET_KEY``), and
shown back only as a hint (``sk_live_…4242``)."""

import base64
import hashlib

from cryptography.fernet import Fernet, InvalidToken
from django.conf import settings


def _fernet() -> Fernet:
    secret = getattr(settings, "STRIPE_KEYS_ENCRYPTION_KEY", "") or settings.SECRET_KEY
    digest = hashlib.sha256(f"payments.key_vault:{secret}".encode()).digest()
    return Fernet(base64.urlsafe_b64encode(digest))


def seal(value: str) -> str:
    return _fernet().encrypt(value.encode()).decode() if value else ""


def unseal(token: str) -> str:
    """The secret, or "" when there is none or it cannot be read (the encryption key
    changed: the clinic enters its keys again)."""
    if not token:
        return ""
    try:
        return _fernet().decrypt(token.encode()).decode()
    except (InvalidToken, ValueError):
        return ""


def hint(value: str) -> str:
    """What may be shown of a key: its prefix and last four characters."""
    if not value:
        return ""
    parts = value.split("_")
    prefix = f"{parts[0]}_{parts[1]}_" if len(parts) >= 3 else ""  # sk_live_, whsec_…
    return f"{prefix}…{value[-4:]}"
