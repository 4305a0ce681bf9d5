"""The installable portal: each clinic's web manifest and icons, the service worker and
the page it shows offline. All per clinic, from the request's host."""

from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_GET

from branding.icons import ICON_CACHE_SECONDS, ICON_SIZES, clinic_icon_png
from branding.selectors import clinic_branding, clinic_manifest


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
    return HttpResponse(clinic_icon_png(request.clinic, size), content_type="image/png")


@require_GET
@cache_control(max_age=86400, public=True)
def favicon(request):
    """Browsers and bookmarks ask for /favicon.ico whatever the page links: the clinic's
    favicon, or its app icon when it has none."""
    branding = clinic_branding(request.clinic)
    if branding.favicon:
        return redirect(branding.favicon.get_rendition("fill-64x64").url)
    return redirect("portal:pwa_icon", 192)


@require_GET
def service_worker(request):
    """Served from the root so its scope is the whole portal. Never cached by the
    browser's HTTP cache: an update must reach patients on their next visit."""
    response = render(
        request,
        "portal_pages/pwa/sw.js",
        # v2: earlier workers kept pages; activating this one deletes their caches.
        {"cache_name": f"portal-{request.clinic.slug}-v2"},
        content_type="application/javascript",
    )
    response["Cache-Control"] = "no-cache"
    response["Service-Worker-Allowed"] = "/"
    return response


@require_GET
def offline(request):
    return render(request, "portal_pages/pwa/offline.html")
