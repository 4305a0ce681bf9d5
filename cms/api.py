"""Assembles each app's API routes under /api/v1/ and serves the OpenAPI schema and
interactive docs (from drf-spectacular-sidecar: no CDN)."""

from django.urls import include, path, re_path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from branding.api.errors import unknown_endpoint_view
from branding.errors import error_code_enums


def public_endpoints_only(endpoints):
    """The schema documents the public API only, not Wagtail's internal admin API."""
    return [endpoint for endpoint in endpoints if endpoint[0].startswith("/api/v1/")]


def error_responses(result, generator, request, public):
    """Every operation may be refused (``4XX``) or fail (``5XX``) with the one error
    shape (``Error``) whose
    ``code`` is one of the apps' error codes (``ErrorCodeEnum``, from ERROR_CODE_ENUMS;
    the table in docs/api.md says what each means)."""
    codes = {}
    for enum in error_code_enums():
        for member in enum:
            codes.setdefault(member.value, member)
    schemas = result.setdefault("components", {}).setdefault("schemas", {})
    schemas["ErrorCodeEnum"] = {
        "type": "string",
        "enum": sorted(codes),
        "description": "\n".join(
            f"* `{value}` - {member.status}: {member.meaning}"
            for value, member in sorted(codes.items())
        ),
    }
    schemas["Error"] = {
        "type": "object",
        "description": (
            "A refusal. Business rules answer with all four keys (`field` and `errors` "
            "when one input is at fault); other errors (authentication, permission, "
            "throttling, not found) with `detail` alone."
        ),
        "properties": {
            "detail": {"type": "string", "description": "A message fit to show the person."},
            "code": {"$ref": "#/components/schemas/ErrorCodeEnum"},
            "field": {"type": "string", "description": "The input at fault."},
            "errors": {
                "type": "object",
                "additionalProperties": {"type": "array", "items": {"type": "string"}},
            },
        },
        "required": ["detail"],
    }
    error = {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}
    refusal = {
        "description": (
            "Refused: 400 bad input, 401 not signed in, 403 not allowed (or the feature is "
            "off), 404 not found, 405 method, 409 conflict, 429 throttled."
        ),
        "content": error,
    }
    fault = {
        "description": "500 a fault on our side (`server_error`); 503 busy (`service_busy`).",
        "content": error,
    }
    for operations in result.get("paths", {}).values():
        for operation in operations.values():
            responses = operation.get("responses")
            if isinstance(responses, dict):
                responses.setdefault("4XX", refusal)
                responses.setdefault("5XX", fault)
    return result


v1 = [
    path("", include("branding.api.urls")),
    path("", include("people.api.urls")),
    path("", include("notifications.api.urls")),
    path("", include("booking_api.api.urls")),
    path("", include("payments.api.urls")),
    path("", include("records.api.urls")),
    path("", include("loyalty.api.urls")),
    path("", include("commerce.api.urls")),
    path("", include("privacy.api.urls")),
    path("", include("portal_pages.api.urls")),
]

urlpatterns = [
    path("api/v1/", include((v1, "api"), namespace="api")),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    # The split view serves its script from a URL: no inline script under the CSP.
    path("api/docs/", SpectacularSwaggerSplitView.as_view(url_name="api-schema"), name="api-docs"),
    # Last: any other path under /api/ (an unknown one, or a trailing slash) is a JSON 404,
    # never the portal's HTML page nor a redirect to the path with a slash.
    re_path(r"^api(?:/.*)?$", unknown_endpoint_view, name="api-unknown-endpoint"),
]
