"""A clinic's appointment-reminder settings, without booking_api importing the app that
keeps them (``automations``, where managers edit them).

That app registers a provider from its ``AppConfig.ready``::

    register_reminder_settings(provider)   # provider(clinic) -> ReminderSettings | None

With no provider, or one that answers None for a clinic, the defaults hold: 24 hours and
1 hour before, by every channel the person accepts, no "reply C to confirm".
"""

import dataclasses
from collections.abc import Callable

DEFAULT_OFFSETS = {"24h": 24 * 60, "1h": 60}


@dataclasses.dataclass(frozen=True)
class ReminderSettings:
    offsets: dict  # kind (a short label such as "24h") → minutes before the start
    channels: tuple | None = None  # None: every channel the person accepts
    sms_confirm: bool = False  # the SMS asks "reply C to confirm"


DEFAULT = ReminderSettings(offsets=dict(DEFAULT_OFFSETS))

_providers: list[Callable] = []


def register_reminder_settings(provider: Callable) -> None:
    if provider not in _providers:
        _providers.append(provider)


def reminder_settings(clinic) -> ReminderSettings:
    for provider in _providers:
        found = provider(clinic)
        if found is not None:
            return found
    return DEFAULT
