"""Prepaid cover for a booking (a session of a package the client bought), offered by an
app above booking_api without booking_api importing it.

An app registers a provider from its ``AppConfig.ready``::

    register_cover_provider(provider)

A provider has:

``options(*, clinic, client, service) -> list[CoverOption]``
    What the client may use for this service now (``CoverOption(ref, label)``; ``ref``
    unique across providers, prefixed with the app, e.g. ``"commerce:package:12"``).
    Must not write.

``apply(*, booking, ref, actor) -> CoverOption | None``
    Use ``ref`` for ``booking`` (saved, in the booking's transaction): take the session
    under a row lock and return the option, or ``None`` when the ref is not the
    provider's. A ref that is the provider's but cannot be used (spent, expired, another
    client's) raises a ``DomainError`` naming the field ``package``; the booking is then
    not made.

Cover is never applied without the client choosing it: ``booking_create(package=ref)``
is the only way in. A covered booking costs nothing more (its price and deposit become
0, the price it had is kept on its "covered" event), so no payment is asked for.
Giving a session back (a cancellation in time) is the provider's, which listens to
``booking_api.signals``.
"""

from dataclasses import dataclass

_providers = []


@dataclass(frozen=True)
class CoverOption:
    ref: str
    label: str


def register_cover_provider(provider):
    if provider not in _providers:
        _providers.append(provider)
    return provider


def cover_options(*, clinic, client, service) -> list[CoverOption]:
    found = []
    for provider in _providers:
        found.extend(provider.options(clinic=clinic, client=client, service=service))
    return found


def cover_apply(*, booking, ref, actor=None) -> CoverOption | None:
    for provider in _providers:
        option = provider.apply(booking=booking, ref=ref, actor=actor)
        if option is not None:
            return option
    return None
