"""DRF throttles that count per client address the way every other limit does
(``branding.client_address.client_ip``: the real address behind TRUSTED_PROXY_COUNT
proxies, read when the request comes, never a header the client wrote)."""

from django.conf import settings
from rest_framework.permissions import SAFE_METHODS
from rest_framework.throttling import ScopedRateThrottle, SimpleRateThrottle

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
