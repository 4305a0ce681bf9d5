"""Rate limits on the public and costly doors that allauth's own limits do not cover
(availability, referral links, feedback links, game plays, uploads, messages), for the
portal and the API alike.

A limit is named by an action whose rates are in ``settings.PUBLIC_RATE_LIMITS``, written
as allauth's are (``"60/m/ip,10/m/user"``: at most 60 a minute per client address and 10
per signed-in person). The address is the real client's
(``branding.client_address.client_ip``, behind ``TRUSTED_PROXY_COUNT`` proxies: a forged
``X-Forwarded-For`` entry counts as its sender). Hits are kept in the shared cache, so
every web process counts together. ``hit`` answers how long to wait (0: go ahead)."""

import math
import time
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache

from branding.client_address import client_ip

_PERIODS = {"s": 1, "m": 60, "h": 3600, "d": 86400}


@dataclass(frozen=True)
class Rate:
    amount: int
    seconds: int
    per: str  # "ip" or "user"


def parse_rates(text: str) -> list[Rate]:
    rates = []
    for part in (text or "").split(","):
        part = part.strip()
        if not part:
            continue
        amount, period, per = part.split("/")
        unit = period[-1]
        count = int(period[:-1] or 1)
        rates.append(Rate(int(amount), count * _PERIODS[unit], per))
    return rates


def _source(request, per):
    if per == "ip":
        return f"ip:{client_ip(request) or '-'}"
    user = getattr(request, "user", None)
    if per == "user" and user is not None and user.is_authenticated:
        return f"user:{user.pk}"
    return None  # a per-person rate does not apply to visitors


def hit(request, action: str) -> int:
    """Count one request for ``action``; 0 if it may go ahead, else the seconds to wait
    (nothing is counted for a refused request)."""
    rates = parse_rates(getattr(settings, "PUBLIC_RATE_LIMITS", {}).get(action, ""))
    now = time.time()
    keyed = []
    for rate in rates:
        source = _source(request, rate.per)
        if source is None:
            continue
        key = f"rl:{action}:{rate.amount}/{rate.seconds}:{source}"
        history = [t for t in cache.get(key, []) if t > now - rate.seconds]
        if len(history) >= rate.amount:
            return max(1, math.ceil(min(history) + rate.seconds - now))
        keyed.append((key, history, rate))
    for key, history, rate in keyed:
        cache.set(key, [*history, now], rate.seconds)
    return 0
