from django.http import Http404, HttpResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework.permissions import AllowAny
from rest_framework.reverse import reverse
from rest_framework.views import APIView
from wagtail.images import get_image_model

from branding.api.caching import cached_response, version_etag
from branding.api.permissions import ClinicRequired
from branding.api.serializers import ClinicSerializer
from branding.contrast import readable_text_on
from branding.icons import ICON_SIZES, clinic_icon_png, clinic_icon_version
from branding.models.settings import FONT_STACKS
from branding.selectors import clinic_branding, clinic_features

LOGO_RENDITION = "fill-512x512"


def _image_url(request, image):
    if image is None:
        return None
    rendition = image.get_rendition(LOGO_RENDITION)
    return request.build_absolute_uri(rendition.url)


def _image_versions(branding):
    """The logo's and favicon's files, in one query (only when there is one), so a new
    file for the same image changes the boot call's ETag."""
    ids = [pk for pk in (branding.logo_id, branding.favicon_id) if pk]
    if not ids:
        return ()
    return tuple(
        get_image_model().objects.filter(pk__in=ids).order_by("pk").values_list("pk", "file_hash")
    )


def clinic_boot_etag(request, clinic):
    branding = clinic_branding(clinic)
    return version_etag(
        "clinic",
        request.get_host(),
        request.scheme,
        clinic.pk,
        clinic.name,
        clinic.slug,
        clinic.site.hostname,
        clinic.timezone,
        clinic.currency,
        clinic.language,
        branding.app_name,
        branding.primary_color,
        branding.accent_color,
        branding.font,
        branding.logo_id,
        branding.favicon_id,
        _image_versions(branding),
        sorted(clinic_features(clinic).items()),
    )


class ClinicView(APIView):
    """The clinic this domain belongs to, with its branding assets and enabled features.
    Answers with an ETag: send it back in ``If-None-Match`` for a ``304`` while nothing
    changed."""

    permission_classes = [AllowAny, ClinicRequired]

    @extend_schema(
        responses={200: ClinicSerializer, 304: OpenApiResponse(description="Not modified.")},
        tags=["clinic"],
    )
    def get(self, request):
        clinic = request.clinic
        return cached_response(
            request,
            clinic_boot_etag(request, clinic),
            lambda: ClinicSerializer(self._data(request, clinic)).data,
            private=False,
        )

    def _data(self, request, clinic):
        branding = clinic_branding(clinic)
        return {
            "name": clinic.name,
            "slug": clinic.slug,
            "domain": clinic.site.hostname,
            "timezone": clinic.timezone,
            "currency": clinic.currency,
            "language": clinic.language,
            "app_name": branding.app_name or clinic.name,
            "logo_url": _image_url(request, branding.logo),
            "favicon_url": _image_url(request, branding.favicon),
            "primary_color": branding.primary_color,
            "on_primary_color": readable_text_on(branding.primary_color),
            "accent_color": branding.accent_color,
            "on_accent_color": readable_text_on(branding.accent_color),
            "font": branding.font,
            "font_family": FONT_STACKS.get(branding.font, FONT_STACKS["system"]),
            "icons": [
                {
                    "size": size,
                    "url": reverse("api:clinic-icon", kwargs={"size": size}, request=request),
                }
                for size in ICON_SIZES
            ],
            "features": clinic_features(clinic),
        }


class ClinicIconView(APIView):
    """The clinic's square app icon (PNG): its logo fitted on white, or its initial on
    its colour — the same icon the installed portal uses. Cacheable: public, with an
    ETag."""

    permission_classes = [AllowAny, ClinicRequired]

    @extend_schema(
        responses={
            (200, "image/png"): OpenApiTypes.BINARY,
            304: OpenApiResponse(description="Not modified."),
        },
        tags=["clinic"],
    )
    def get(self, request, size):
        if size not in ICON_SIZES:
            raise Http404("No icon of that size.")
        clinic = request.clinic
        etag = version_etag("icon", clinic.pk, size, clinic_icon_version(clinic))
        return cached_response(
            request,
            etag,
            lambda: HttpResponse(clinic_icon_png(clinic, size), content_type="image/png"),
            private=False,
        )
