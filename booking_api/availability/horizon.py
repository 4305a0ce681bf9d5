"""How far ahead a client may book: the clinic's horizon (``max_advance_days``), or
further where an app above booking_api says so for this client (a member-only booking
window), without booking_api importing it.

An app registers a provider from its ``AppConfig.ready``::

    register_horizon_provider(provider)

``provider(*, clinic, client) -> int | None``: the days ahead this client may book, or
None when it has nothing to say. Must not write. The longest wins, never shorter than
the clinic's own horizon."""

from collections.abc import Callable

_providers: list[Callable] = []


def register_horizon_provider(provider: Callable) -> None:
    if provider not in _providers:
        _providers.append(provider)


def booking_horizon_days(*, clinic, client, policy_days: int) -> int:
    if client is None:
        return policy_days
    offered = [provider(clinic=clinic, client=client) for provider in _providers]
    return max([policy_days, *(days for days in offered if days)])
