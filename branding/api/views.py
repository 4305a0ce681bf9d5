from drf_spectacular.utils import extend_schema
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from branding.api.permissions import ClinicRequired
from branding.api.serializers import ClinicSerializer
from branding.selectors import clinic_branding, clinic_features


def _image_url(request, image):
    if image is None:
        return None
    rendition = image.get_rendition("fill-512x512")
    return request.build_absolute_uri(rendition.url)


class ClinicView(APIView):
    """The clinic this domain belongs to, with its branding and enabled features."""

    permission_classes = [AllowAny, ClinicRequired]

    @extend_schema(responses=ClinicSerializer, tags=["clinic"])
    def get(self, request):
        clinic = request.clinic
        branding = clinic_branding(clinic)
        data = {
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
            "accent_color": branding.accent_color,
            "font": branding.font,
            "features": clinic_features(clinic),
        }
        return Response(ClinicSerializer(data).data)
