"""The project's error handlers (``cms.urls``): under /api/ every answer is JSON in the
API's error shape (``branding.api.errors``); everywhere else Django's own pages."""

from django.views import defaults

from branding.api import errors as api_errors


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
    if api_errors.is_api_path(request.path):
        return api_errors.api_server_error(request)
    return defaults.server_error(request)
