"""CORS per clinic: besides the deployment's ``API_CORS_ORIGINS``, a clinic's manager
lists its own browser apps' origins (Settings → Web apps), and only that clinic's API
answers them. django-cors-headers asks ``check_request_enabled`` for each request
(preflights included, which end before the tenancy middleware runs: the clinic is found
from the host here)."""

from corsheaders.signals import check_request_enabled


def clinic_allows_origin(sender, request, **kwargs) -> bool:
    from branding.models import WebAppSettings
    from branding.selectors import clinic_for_host

    origin = request.headers.get("Origin", "").rstrip("/")
    if not origin or not request.path.startswith(("/api/", "/_allauth/")):
        return False
    clinic = getattr(request, "clinic", None) or clinic_for_host(request.get_host())
    if clinic is None:
        return False
    settings = WebAppSettings.objects.filter(site_id=clinic.site_id).first()
    return settings is not None and origin in settings.origin_list()


def connect():
    check_request_enabled.connect(clinic_allows_origin, dispatch_uid="clinic_web_app_origins")
