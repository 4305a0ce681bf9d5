"""The wallet signing material, from settings. Each value is either the PEM text
itself or the path of a file holding it (so it can come from an environment variable
or a mounted secret). Missing settings mean that wallet is not offered."""

import json
from dataclasses import dataclass
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import serialization
from django.conf import settings


def _text(value) -> str:
    """PEM/JSON text given directly, or read from the file it names."""
    value = (value or "").strip()
    if not value or value.startswith(("-----BEGIN", "{")):
        return value
    return Path(value).read_text()


@dataclass(frozen=True)
class AppleSigning:
    pass_type_id: str
    team_id: str
    certificate: x509.Certificate
    private_key: object
    wwdr_certificate: x509.Certificate


@dataclass(frozen=True)
class GoogleSigning:
    issuer_id: str
    service_account_email: str
    private_key: object
    key_id: str


def apple_signing() -> AppleSigning | None:
    names = ("WALLET_APPLE_PASS_TYPE_ID", "WALLET_APPLE_TEAM_ID", "WALLET_APPLE_CERTIFICATE")
    names += ("WALLET_APPLE_KEY", "WALLET_APPLE_WWDR_CERTIFICATE")
    if not all(getattr(settings, name, "") for name in names):
        return None
    password = getattr(settings, "WALLET_APPLE_KEY_PASSWORD", "") or None
    return AppleSigning(
        pass_type_id=settings.WALLET_APPLE_PASS_TYPE_ID,
        team_id=settings.WALLET_APPLE_TEAM_ID,
        certificate=x509.load_pem_x509_certificate(
            _text(settings.WALLET_APPLE_CERTIFICATE).encode()
        ),
        private_key=serialization.load_pem_private_key(
            _text(settings.WALLET_APPLE_KEY).encode(),
            password=password.encode() if password else None,
        ),
        wwdr_certificate=x509.load_pem_x509_certificate(
            _text(settings.WALLET_APPLE_WWDR_CERTIFICATE).encode()
        ),
    )


def google_signing() -> GoogleSigning | None:
    issuer = getattr(settings, "WALLET_GOOGLE_ISSUER_ID", "")
    account = _text(getattr(settings, "WALLET_GOOGLE_SERVICE_ACCOUNT", ""))
    if not (issuer and account):
        return None
    key_file = json.loads(account)  # a Google service-account key file
    return GoogleSigning(
        issuer_id=issuer,
        service_account_email=key_file["client_email"],
        private_key=serialization.load_pem_private_key(
            key_file["private_key"].encode(), password=None
        ),
        key_id=key_file.get("private_key_id", ""),
    )
