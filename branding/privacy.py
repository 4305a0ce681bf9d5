"""What a device may keep of a person's data.

- Every answer made for a signed-in person, a visitor with a session (a guest's booking
  pages) or an API token is sent ``Cache-Control: private, no-store`` unless its view
  chose a Cache-Control of its own (the app content tagged with an ETag, the service
  worker, the manifest and icons): no browser, proxy or shared phone keeps a copy of
  medical history, documents, messages, bookings or receipts.
- Every answer carries ``Permissions-Policy`` (``PermissionsPolicyMiddleware``); the
  Content-Security-Policy comes from django-csp (``CONTENT_SECURITY_POLICY``).
- Signing out, through any door (portal, admin, Django admin), answers with
  ``Clear-Site-Data: "cache", "storage"``: the browser drops its HTTP cache, the service
  worker and its caches, and local storage for the clinic's origin.
"""

from django.conf import settings
from django.contrib.auth.signals import user_logged_out
from django.utils.cache import patch_cache_control

CLEAR_SITE_DATA = '"cache", "storage"'


def _personal(request, response) -> bool:
    if request.META.get("HTTP_AUTHORIZATION"):
        return True
    if "cookie" in response.get("Vary", "").lower():  # the session was read
        return True
    user = getattr(request, "user", None)
    return bool(user is not None and user.is_authenticated)


class PrivateResponseMiddleware:
    """Sits outside the session middleware, so it sees the ``Vary: Cookie`` a session
    read adds; static files (WhiteNoise, further out) never reach it."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if getattr(request, "_signed_out", False):
            response["Clear-Site-Data"] = CLEAR_SITE_DATA
        if not response.has_header("Cache-Control") and _personal(request, response):
            patch_cache_control(response, private=True, no_store=True)
        return response


class PermissionsPolicyMiddleware:
    """``Permissions-Policy`` (the ``PERMISSIONS_POLICY`` setting) on every answer."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        policy = getattr(settings, "PERMISSIONS_POLICY", "")
        if policy and not response.has_header("Permissions-Policy"):
            response["Permissions-Policy"] = policy
        return response


def _mark_signed_out(sender, request, **kwargs):
    if request is not None:
        request._signed_out = True


def connect():
    user_logged_out.connect(_mark_signed_out, dispatch_uid="branding.privacy.signed_out")
