"""Assembles each app's API routes under /api/v1/ and serves the OpenAPI schema and
interactive docs (from drf-spectacular-sidecar: no CDN)."""

from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView


def public_endpoints_only(endpoints):
    """The schema documents the public API only, not Wagtail's internal admin API."""
    return [endpoint for endpoint in endpoints if endpoint[0].startswith("/api/v1/")]


v1 = [
    path("", include("branding.api.urls")),
    path("", include("people.api.urls")),
    path("", include("notifications.api.urls")),
    path("", include("booking_api.api.urls")),
    path("", include("payments.api.urls")),
    path("", include("records.api.urls")),
    path("", include("loyalty.api.urls")),
]

urlpatterns = [
    path("api/v1/", include((v1, "api"), namespace="api")),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("api/docs/", SpectacularSwaggerView.as_view(url_name="api-schema"), name="api-docs"),
]
