"""The installable portal: each clinic's web manifest and icons, the service worker and
the page it shows offline. All per clinic, from the request's host."""

import hashlib

from django.core.cache import cache
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_GET

from branding.icons import ICON_SIZES, icon_png
from branding.selectors import clinic_branding, clinic_manifest

ICON_CACHE_SECONDS = 24 * 3600


@require_GET
@cache_control(max_age=3600, public=True)
def manifest(request):
    data = clinic_manifest(
        request.clinic, icon_url=lambda size: reverse("portal:pwa_icon", args=[size])
    )
    return JsonResponse(
        data, content_type="application/manifest+json", json_dumps_params={"ensure_ascii": False}
    )


@require_GET
@cache_control(max_age=ICON_CACHE_SECONDS, public=True)
def icon(request, size):
    if size not in ICON_SIZES:
        raise Http404("No icon of that size.")
    clinic = request.clinic
    branding = clinic_branding(clinic)
    logo = branding.logo
    # The key changes when the logo or colour does, so a new logo shows at once.
    version = f"{logo.pk}:{logo.file_hash}" if logo else branding.primary_color
    key = "pwa-icon:" + hashlib.sha256(f"{clinic.pk}:{size}:{version}".encode()).hexdigest()
    png = cache.get(key)
    if png is None:
        if logo:
            with logo.open_file() as logo_file:
                png = icon_png(size=size, logo_file=logo_file)
        else:
            png = icon_png(size=size, initial=clinic.name, color=branding.primary_color)
        cache.set(key, png, ICON_CACHE_SECONDS)
    return HttpResponse(png, content_type="image/png")


@require_GET
def service_worker(request):
    """Served from the root so its scope is the whole portal. Never cached by the
    browser's HTTP cache: an update must reach patients on their next visit."""
    response = render(
        request,
        "portal_pages/pwa/sw.js",
        {"cache_name": f"portal-{request.clinic.slug}-v1"},
        content_type="application/javascript",
    )
    response["Cache-Control"] = "no-cache"
    response["Service-Worker-Allowed"] = "/"
    return response


@require_GET
def offline(request):
    return render(request, "portal_pages/pwa/offline.html")
