"""Whether a client has consented to the use of their photos, asked of the app that
records consents (``privacy``, above records) through a registry it fills in its
``AppConfig.ready``: records never imports it."""

from collections.abc import Callable

_sources: list[Callable] = []


def register_photo_consent_source(source: Callable) -> None:
    """``source(clinic, client) -> bool``: True when the client's current photo-use
    consent is given."""
    if source not in _sources:
        _sources.append(source)


def photo_consent_recorded(clinic, client) -> bool:
    return any(source(clinic, client) for source in _sources)
