"""The one place that configures the official ``stripe`` library from settings.

``STRIPE_API_BASE`` points it at another server (the local Stripe test server in the
tests and the demo); empty means Stripe itself.
"""

import stripe
from django.conf import settings

DEFAULT_API_BASE = "https://api.stripe.com"


def stripe_client():
    """The configured ``stripe`` module (read again each call, so settings may change)."""
    stripe.api_key = settings.STRIPE_SECRET_KEY
    stripe.api_base = settings.STRIPE_API_BASE or DEFAULT_API_BASE
    stripe.max_network_retries = 2  # safe: every mutating call has an idempotency key
    return stripe


def object_id(value):
    """An expandable field's id: Stripe sends an id string, localstripe the object."""
    if value is None or isinstance(value, str):
        return value
    return field(value, "id")


def field(obj, key, default=None):
    """``obj[key]`` or ``default``: Stripe objects (16+) and plain dicts alike."""
    if obj is None:
        return default
    try:
        value = obj[key]
    except (KeyError, TypeError, AttributeError):
        return default
    return default if value is None else value
