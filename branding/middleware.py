from django.conf import settings
from django.shortcuts import render
from django.utils import translation
from django.utils.translation import gettext as _

from branding import clinic_time
from branding.api.errors import api_error_response, is_api_path
from branding.errors import BrandingErrorCode
from branding.selectors import clinic_for_host

# Paths that work on any allowed host, with or without a clinic: the platform admin and
# assets. Everything else belongs to a clinic's portal or API.
# Stripe calls its webhook on whatever host it was given.
CLINIC_OPTIONAL_PREFIXES = (
    "/admin/",
    "/static/",
    "/media/",
    "/healthz",
    "/django-admin/",
    "/payments/stripe/",
)


class ClinicMiddleware:
    """Sets ``request.clinic`` from the request's host. An unknown host gets a clear 404
    page: never a crash, never another clinic's portal."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path == "/healthz":
            # The health check reports a failing database itself (a 503 naming it), so
            # it must not fail earlier on the clinic lookup; it needs no clinic.
            request.clinic = None
            return self.get_response(request)
        request.clinic = clinic_for_host(request.get_host())
        if request.clinic is None:
            if is_api_path(request.path):  # the API answers JSON, never the HTML page
                return api_error_response(
                    _("No clinic at this address."), BrandingErrorCode.UNKNOWN_CLINIC
                )
            if not request.path.startswith(CLINIC_OPTIONAL_PREFIXES):
                return render(
                    request,
                    "branding/unknown_clinic.html",
                    {"host": request.get_host()},
                    status=404,
                )
            return self.get_response(request)
        # Wagtail looks the site up again unless told: it is the clinic's own.
        request._wagtail_site = request.clinic.site
        # The clinic's wall clock and formats (the admin may work on another clinic of
        # the person's: people.middleware.AdminClinicTimeMiddleware decides there).
        clinic_time.activate(request.clinic)
        _activate_clinic_language(request)
        try:
            return self.get_response(request)
        finally:
            clinic_time.deactivate()


def _activate_clinic_language(request):
    """The portal speaks the clinic's default language unless the patient picked one
    (Django's set_language cookie) or their browser asks for a language we speak — both
    already honoured by LocaleMiddleware. The admin keeps its own language."""
    if request.path.startswith(CLINIC_OPTIONAL_PREFIXES):
        return
    if request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME) or _browser_asks_supported(request):
        return
    language = request.clinic.language
    if language in dict(settings.LANGUAGES):
        translation.activate(language)
        request.LANGUAGE_CODE = language


def _browser_asks_supported(request) -> bool:
    supported = {code for code, _name in settings.LANGUAGES}
    for part in request.META.get("HTTP_ACCEPT_LANGUAGE", "").split(","):
        code = part.split(";")[0].strip().lower().split("-")[0]
        if code in supported:
            return True
    return False
