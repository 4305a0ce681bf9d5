"""The address a request really came from. Behind a load balancer REMOTE_ADDR is the
balancer; the client is in X-Forwarded-For, but only the entries our own proxies appended
can be trusted (a client can send any header it likes). TRUSTED_PROXY_COUNT says how many
proxies sit in front of the app: 0 (the default, runserver or a bare gunicorn) means
REMOTE_ADDR is the client and the header is ignored."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_ipv46_address


def _valid(address):
    address = (address or "").strip()
    if not address:
        return None
    try:
        validate_ipv46_address(address)
    except ValidationError:
        return None
    return address


def client_ip(request) -> str | None:
    """The client's IP address, or None when it cannot be told."""
    if request is None:
        return None
    proxies = getattr(settings, "TRUSTED_PROXY_COUNT", 0)
    if proxies > 0:
        hops = [hop.strip() for hop in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
        hops = [hop for hop in hops if hop]
        # Each trusted proxy appended the address it saw; the one our outermost proxy saw
        # is `proxies` from the end. Fewer entries than proxies: the request skipped them.
        if len(hops) >= proxies:
            return _valid(hops[-proxies])
    return _valid(request.META.get("REMOTE_ADDR"))
