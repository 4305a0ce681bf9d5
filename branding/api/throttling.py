"""DRF throttles that count per client address the way every other limit does
(``branding.client_address.client_ip``: the real address behind TRUSTED_PROXY_COUNT
proxies, read when the request comes, never a header the client wrote)."""

from django.conf import settings
from rest_framework.permissions import SAFE_METHODS
from rest_framework.settings import api_settings
from rest_framework.throttling import BaseThrottle, ScopedRateThrottle, SimpleRateThrottle

from branding import ratelimits
from branding.client_address import client_ip


class ClientAddressScopedRateThrottle(ScopedRateThrottle):
    def get_ident(self, request):
        return client_ip(request) or ""


class _WriteThrottle(SimpleRateThrottle):
    """Writes only (reads are not counted). The rate is read from ``API_WRITE_RATES``
    when asked (DRF's own read DEFAULT_THROTTLE_RATES once, at import)."""

    rate_name = ""

    def __init__(self):  # the rate is read per request, in allow_request
        pass

    def allow_request(self, request, view):
        if request.method in SAFE_METHODS:
            return True
        self.rate = settings.API_WRITE_RATES.get(self.rate_name)
        if not self.rate:
            return True
        self.num_requests, self.duration = self.parse_rate(self.rate)
        return super().allow_request(request, view)


class WritesPerAddressThrottle(_WriteThrottle):
    """Every client address's writes, whoever signs in (the real address behind
    TRUSTED_PROXY_COUNT proxies: a forged X-Forwarded-For counts as its sender)."""

    scope = rate_name = "address"

    def get_cache_key(self, request, view):
        return self.cache_format % {"scope": "writes-address", "ident": client_ip(request) or ""}


class WritesPerPersonThrottle(_WriteThrottle):
    """Each signed-in person's writes, from whatever addresses."""

    scope = rate_name = "person"

    def get_cache_key(self, request, view):
        if not request.user or not request.user.is_authenticated:
            return None
        return self.cache_format % {"scope": "writes-person", "ident": request.user.pk}


class PublicActionThrottle(BaseThrottle):
    """The view's ``rate_limit_action`` (``branding.ratelimits``: per real client address
    and per person, reads too), for the doors that are public or costly; 429 with
    Retry-After. ``rate_limit_methods`` narrows it (default: every method)."""

    def allow_request(self, request, view):
        action = getattr(view, "rate_limit_action", None)
        methods = getattr(view, "rate_limit_methods", None)
        self._wait = 0
        if not action or (methods and request.method not in methods):
            return True
        self._wait = ratelimits.hit(request, action)
        return self._wait == 0

    def wait(self):
        return self._wait


def with_action_limit(*classes):
    """The default write throttles plus the view's public action limit."""
    return [*api_settings.DEFAULT_THROTTLE_CLASSES, PublicActionThrottle, *classes]
