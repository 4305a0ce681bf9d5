"""A busy database answers a friendly 503 instead of an HTML 500.

"Busy" means the database gave up waiting, not that something is broken: PostgreSQL
cancelled the statement (``statement_timeout``, SQLSTATE 57014) or the lock wait
(``lock_timeout``, 55P03), or SQLite's busy timeout ran out ("database is locked").
Retrying a moment later usually works, so the client is told so (Retry-After). Every
other database error stays a 500: hiding a real fault as "busy" would hide the bug."""

import logging

from django.db import OperationalError
from django.http import HttpResponse, JsonResponse
from django.template.loader import render_to_string
from django.utils.translation import gettext as _

from branding.api.errors import error_body
from branding.errors import BrandingErrorCode

logger = logging.getLogger(__name__)

RETRY_AFTER_SECONDS = 5
BUSY_SQLSTATES = {"57014", "55P03"}  # query_canceled, lock_not_available
BUSY_MESSAGES = (
    "database is locked",
    "database table is locked",
    "lock timeout",
    "statement timeout",
)


def is_busy_error(exc) -> bool:
    """True when ``exc`` is the database timing out on a lock or a statement."""
    if not isinstance(exc, OperationalError):
        return False
    # Django wraps the driver's error; psycopg's carries the SQLSTATE.
    if getattr(exc.__cause__, "sqlstate", None) in BUSY_SQLSTATES:
        return True
    message = str(exc).lower()
    return any(text in message for text in BUSY_MESSAGES)


def service_busy_response(request) -> HttpResponse:
    detail = _("We are busy right now. Please try again in a moment.")
    if request.path.startswith("/api/"):
        response = JsonResponse(error_body(detail, BrandingErrorCode.SERVICE_BUSY), status=503)
    else:
        # Rendered without the request: its context processors read the database,
        # which is the thing that is busy.
        # The nonce lets its inline style through the Content-Security-Policy.
        nonce = getattr(request, "csp_nonce", "")
        response = HttpResponse(
            render_to_string("branding/service_busy.html", {"detail": detail, "nonce": nonce}),
            status=503,
        )
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response


class ServiceBusyMiddleware:
    """Turns a view's database timeout into a 503 (JSON under /api/, a page elsewhere).
    DRF re-raises what its handler does not know, so API views land here too."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not is_busy_error(exception):
            return None
        logger.warning("Database busy on %s %s: %s", request.method, request.path, exception)
        return service_busy_response(request)
