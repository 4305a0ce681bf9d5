"""A client's own price for a service (a member's discount), set by an app above
booking_api without booking_api importing it.

An app registers a provider from its ``AppConfig.ready``::

    register_price_provider(provider)

``provider(*, clinic, client, service, price) -> PriceAdjustment | None``
    The price this client pays for ``service`` when booking now (``price`` is the
    price so far, in minor units), or None when the provider has nothing to say. Must
    not write. The lowest price offered wins; it is never below 0 nor above ``price``.

``booking_create`` asks when the client books (not for prepaid cover, which costs
nothing): the booking records the lowered price (and a deposit lowered in proportion)
and a "discounted" event naming the label and the full price. Checkout then charges
the booking's price as always.
"""

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class PriceAdjustment:
    price: int
    label: str


_providers: list[Callable] = []


def register_price_provider(provider: Callable) -> None:
    if provider not in _providers:
        _providers.append(provider)


def client_price(*, clinic, client, service, price) -> PriceAdjustment | None:
    """The lowest price a provider offers this client for ``service``, or None."""
    if client is None:
        return None
    best = None
    for provider in _providers:
        offer = provider(clinic=clinic, client=client, service=service, price=price)
        if offer is None:
            continue
        offer = PriceAdjustment(max(0, min(int(offer.price), price)), offer.label)
        if best is None or offer.price < best.price:
            best = offer
    return best if best is not None and best.price < price else None
