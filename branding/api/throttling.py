"""DRF throttles that count per client address the way every other limit does
(``branding.client_address.client_ip``: the real address behind TRUSTED_PROXY_COUNT
proxies, read when the request comes, never a header the client wrote)."""

from rest_framework.throttling import ScopedRateThrottle

from branding.client_address import client_ip


class ClientAddressScopedRateThrottle(ScopedRateThrottle):
    def get_ident(self, request):
        return client_ip(request) or ""
