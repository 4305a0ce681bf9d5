"""The project's error handlers (``cms.urls``): under /api/ every answer is JSON in the
API's error shape (``branding.api.errors``); everywhere else Django's own pages."""

import logging
import sys

from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views import defaults

from branding.api import errors as api_errors
from branding.errors import BrandingErrorCode
from branding.service_busy import is_busy_error, service_busy_response

logger = logging.getLogger(__name__)


def bad_request(request, exception=None):
    if api_errors.is_api_path(request.path):
        return api_errors.api_bad_request(request, exception)
    return defaults.bad_request(request, exception)


def permission_denied(request, exception=None):
    if api_errors.is_api_path(request.path):
        return api_errors.api_permission_denied(request, exception)
    return defaults.permission_denied(request, exception)


def page_not_found(request, exception=None):
    if api_errors.is_api_path(request.path):
        return api_errors.api_not_found(request, exception)
    return defaults.page_not_found(request, exception)


def server_error(request):
    # Django calls this while handling the exception, so it is still at hand. A database
    # timeout raised before any view (the clinic look-up, the session, the user, all in
    # middleware) is as busy as one in a view: the same 503 (branding.service_busy).
    exception = sys.exc_info()[1]
    if is_busy_error(exception):
        logger.warning("Database busy on %s %s: %s", request.method, request.path, exception)
        return service_busy_response(request)
    if api_errors.is_api_path(request.path):
        return api_errors.api_server_error(request)
    return defaults.server_error(request)


def too_many_requests(request, exception=None):
    """allauth's refusals over a limit (``allauth.core.ratelimit.respond_429`` looks this
    up as ``handler429``): the portal's "Too many requests" page, or the API's JSON, each
    with Retry-After."""
    if api_errors.is_api_path(request.path):
        return api_errors.api_error_response(
            _("Too many requests: try again later."),
            BrandingErrorCode.THROTTLED,
            status=429,
            headers={"Retry-After": "60"},
        )
    response = render(request, "429.html", {"wait_minutes": 1}, status=429)
    response["Retry-After"] = "60"
    response["Cache-Control"] = "private, no-store"
    return response
