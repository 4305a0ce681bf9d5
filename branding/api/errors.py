"""Every answer under /api/ is JSON, and every refusal has the one shape,
``{"detail", "code", "field", "errors"}`` (``field`` and ``errors`` when one input is at
fault), with a ``code`` from an app's ErrorCode enum.

- ``exception_handler`` (DRF's EXCEPTION_HANDLER): a service's DomainError as it chose;
  DRF's own refusals (authentication, permission, not found, method, parsing,
  throttling) with their code. Missing or invalid credentials are a 401 with
  ``WWW-Authenticate`` whichever authentication class comes first; 403 is kept for
  credentials that are valid but not allowed. Serializer validation errors are the same
  shape: ``code`` ``invalid``, ``field`` the first input at fault, ``errors`` every
  input's messages (a nested input named by its path: ``booking.staff``, ``items.0.start``).
- ``api_error_response``: the same body for answers made outside DRF — the catch-all for
  unknown paths under /api/ (``unknown_endpoint_view``), an unknown host, the 400/403/404/500
  handlers (``cms.urls``) and a busy database.
"""

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import RequestDataTooBig
from django.http import Http404, JsonResponse
from django.urls import Resolver404, resolve
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from drf_idempotency.exceptions import (
    ConcurrentRequestError,
    IdempotencyKeyReuseError,
    InvalidIdempotencyKeyError,
)
from rest_framework import exceptions
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from branding.errors import BrandingErrorCode, DomainError, error_code

API_PREFIX = "/api/"
DEFAULT_AUTHENTICATE_HEADER = 'Token realm="api"'

# DRF's refusals and the code each answers with (the first match wins: subclasses first).
DRF_CODES = (
    (InvalidIdempotencyKeyError, BrandingErrorCode.IDEMPOTENCY_KEY_INVALID),
    (IdempotencyKeyReuseError, BrandingErrorCode.IDEMPOTENCY_KEY_REUSED),
    (ConcurrentRequestError, BrandingErrorCode.IDEMPOTENCY_KEY_IN_USE),
    (exceptions.NotAuthenticated, BrandingErrorCode.NOT_AUTHENTICATED),
    (exceptions.AuthenticationFailed, BrandingErrorCode.AUTHENTICATION_FAILED),
    (exceptions.PermissionDenied, BrandingErrorCode.NOT_ALLOWED),
    (exceptions.NotFound, BrandingErrorCode.NOT_FOUND),
    (exceptions.MethodNotAllowed, BrandingErrorCode.METHOD_NOT_ALLOWED),
    (exceptions.NotAcceptable, BrandingErrorCode.NOT_ACCEPTABLE),
    (exceptions.UnsupportedMediaType, BrandingErrorCode.UNSUPPORTED_MEDIA_TYPE),
    (exceptions.ParseError, BrandingErrorCode.MALFORMED_REQUEST),
    (exceptions.Throttled, BrandingErrorCode.THROTTLED),
)


def is_api_path(path: str) -> bool:
    return path == API_PREFIX.rstrip("/") or path.startswith(API_PREFIX)


def error_body(detail, code) -> dict:
    return {"detail": str(detail), "code": error_code(code).value}


def api_error_response(detail, code, *, status=None, headers=None) -> JsonResponse:
    """A JSON refusal in the API's shape, for answers made outside DRF's views."""
    member = error_code(code)
    response = JsonResponse(error_body(detail, member), status=status or member.status)
    for name, value in (headers or {}).items():
        response[name] = value
    return response


def _authenticate_header(context) -> str:
    """What ``WWW-Authenticate`` says: the first authentication class that names a
    scheme (the token's), not only the first class (the session's, which names none)."""
    request = context.get("request")
    for authenticator in getattr(request, "authenticators", None) or ():
        header = authenticator.authenticate_header(request)
        if header:
            return header
    return DEFAULT_AUTHENTICATE_HEADER


# A refusal of another APIException subclass: the generic code of its status.
STATUS_CODES = {
    400: BrandingErrorCode.INVALID,
    403: BrandingErrorCode.NOT_ALLOWED,
    404: BrandingErrorCode.NOT_FOUND,
    405: BrandingErrorCode.METHOD_NOT_ALLOWED,
    409: BrandingErrorCode.CONFLICT,
    429: BrandingErrorCode.THROTTLED,
}


def _flatten(detail, prefix="") -> dict:
    """DRF's validation detail (dicts of lists, nested) as ``{"path": [messages]}``."""
    if isinstance(detail, dict):
        flat = {}
        for key, value in detail.items():
            flat.update(_flatten(value, f"{prefix}.{key}" if prefix else str(key)))
        return flat
    if isinstance(detail, list) and any(isinstance(item, dict | list) for item in detail):
        flat = {}
        for index, value in enumerate(detail):
            flat.update(_flatten(value, f"{prefix}.{index}" if prefix else str(index)))
        return flat
    messages = detail if isinstance(detail, list) else [detail]
    return {prefix or "non_field_errors": [str(message) for message in messages]}


def validation_error_body(detail) -> dict:
    """A serializer's refusal in the one error shape."""
    errors = {key: messages for key, messages in _flatten(detail).items() if messages}
    first_field, first_messages = next(iter(errors.items()), ("", [_("Invalid input.")]))
    body = error_body(first_messages[0], BrandingErrorCode.INVALID)
    if first_field and first_field != "non_field_errors":
        body["field"] = first_field
    if errors:
        body["errors"] = errors
    return body


def _code_for(exc, status):
    """The exception's own code when it is a listed one (a permission class may set
    ``code = "feature_disabled"``), else its class's, else its status's (or None)."""
    own = exc.get_codes() if isinstance(exc.detail, str) else None
    if isinstance(own, str):
        try:
            return error_code(own)
        except ValueError:
            pass
    for cls, code in DRF_CODES:
        if isinstance(exc, cls):
            return code
    return STATUS_CODES.get(status)


def exception_handler(exc, context):
    """Domain errors become a JSON body naming the field at fault, with the status the
    service chose (400, 403, 404 or 409). A body over DATA_UPLOAD_MAX_MEMORY_SIZE is a
    JSON 400 too. DRF's refusals get their code; missing or invalid credentials a 401."""
    if isinstance(exc, DomainError):
        response = Response(exc.as_dict(), status=exc.status)
        if exc.status == 401:  # a 401 always says how to authenticate (RFC 9110)
            response["WWW-Authenticate"] = _authenticate_header(context)
        if exc.status == 429:  # a limit's refusal says when to come back
            response["Retry-After"] = str(getattr(exc, "retry_after", None) or 60)
        return response
    if isinstance(exc, RequestDataTooBig):  # else Django's HTML 400 page, not JSON
        refused = DomainError(_("The request is too large."), code=BrandingErrorCode.BODY_TOO_LARGE)
        return Response(refused.as_dict(), status=refused.status)
    if isinstance(exc, IdempotencyKeyReuseError):
        # The library's message quotes the key as scoped inside (clinic and person),
        # which is not the key the app sent.
        exc.detail = exceptions.ErrorDetail(
            _(
                "This Idempotency-Key was already used with a different request. "
                "Use a new key for a different request."
            ),
            code=exc.default_code,
        )
    if isinstance(exc, Http404):
        exc = exceptions.NotFound(*exc.args)
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied(*exc.args)
    response = drf_exception_handler(exc, context)
    if response is None:
        return response
    if isinstance(exc, exceptions.ValidationError):
        response.data = validation_error_body(exc.detail)
        return response
    code = _code_for(exc, response.status_code)
    if code is None or not isinstance(exc.detail, str):
        return response
    response.data = error_body(exc.detail, code)
    if isinstance(exc, exceptions.NotAuthenticated | exceptions.AuthenticationFailed):
        # DRF answers 403 when the first authentication class (the session) names no
        # scheme; the person is not known, so it is a 401 that says how to sign in.
        response.status_code = 401
        response["WWW-Authenticate"] = _authenticate_header(context)
    return response


def _known_endpoint(path):
    """``path`` if an endpoint answers there (not this catch-all), else None."""
    try:
        match = resolve(path)
    except Resolver404:
        return None
    return None if match.func is unknown_endpoint_view else path


@csrf_exempt
def unknown_endpoint_view(request, *args, **kwargs):
    """Any path under /api/ that no endpoint answers, a trailing slash included: a JSON
    404 naming the path that does exist, if one differs only by its final slash (never
    the portal's HTML page, nor a redirect to it)."""
    path = request.path
    other = path.rstrip("/") if path.endswith("/") else path + "/"
    known = _known_endpoint(other) if other and other != path else None
    if known:
        detail = _("There is no endpoint at %(path)s. Did you mean %(known)s?") % {
            "path": path,
            "known": known,
        }
    else:
        detail = _("There is no endpoint at %(path)s.") % {"path": path}
    return api_error_response(detail, BrandingErrorCode.UNKNOWN_ENDPOINT)


def api_bad_request(request, exception=None):
    return api_error_response(_("The request could not be read."), BrandingErrorCode.INVALID)


def api_permission_denied(request, exception=None):
    return api_error_response(
        _("You do not have permission to do this."), BrandingErrorCode.NOT_ALLOWED
    )


def api_not_found(request, exception=None):
    return api_error_response(_("Not found."), BrandingErrorCode.NOT_FOUND)


def api_server_error(request):
    return api_error_response(
        _("Something went wrong on our side. Please try again in a moment."),
        BrandingErrorCode.SERVER_ERROR,
    )
