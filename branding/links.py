"""The one seam for absolute links into a clinic's portal (emails, PDFs, SMS, wallet passes,
payment redirects): the clinic's own domain, with the scheme and port this deployment
serves on (``PORTAL_URL_SCHEME``, ``PORTAL_URL_PORT``; https and none in production, the
demo's http://…:8000 in development)."""

from django.conf import settings
from django.urls import reverse


def portal_origin(hostname: str) -> str:
    """``https://glow.example.com`` for a clinic's hostname."""
    scheme = getattr(settings, "PORTAL_URL_SCHEME", "") or "https"
    port = str(getattr(settings, "PORTAL_URL_PORT", "") or "")
    default_port = {"https": "443", "http": "80"}.get(scheme)
    suffix = f":{port}" if port and port != default_port else ""
    return f"{scheme}://{hostname}{suffix}"


def portal_url(clinic, path: str = "/") -> str:
    """The absolute address of ``path`` (starting with /) on ``clinic``'s portal."""
    return portal_origin(clinic.site.hostname) + path


def portal_reverse(clinic, viewname: str, *args, query: str = "", **kwargs) -> str:
    """``portal_url`` of a named route, e.g. ``portal_reverse(clinic, "portal:feedback",
    token)``; ``query`` is appended as is (``"?returned=1"``)."""
    return portal_url(clinic, reverse(viewname, args=args or None, kwargs=kwargs or None)) + query
