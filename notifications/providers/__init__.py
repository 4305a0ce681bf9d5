"""Native push providers, each a small client of the provider's own protocol:
``fcm`` (Firebase Cloud Messaging HTTP v1, OAuth 2 with a service account) and ``apns``
(Apple's HTTP/2 API with a JWT provider token). Their base URLs are settings, so tests
and staging speak to local servers.

A send answers a ``Result``: ``ok``, or ``gone`` (the provider says the token is
unregistered or invalid: forget the device), or neither (``error``: try again later)."""

import json
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Result:
    ok: bool = False
    gone: bool = False
    error: str = ""


def text_or_file(value: str) -> str:
    """A key setting: the text itself, or a path to a file holding it."""
    value = (value or "").strip()
    if not value or value.startswith(("-----BEGIN", "{")):
        return value
    path = Path(value)
    return path.read_text() if path.is_file() else ""


def json_or_file(value: str) -> dict:
    text = text_or_file(value)
    return json.loads(text) if text else {}
