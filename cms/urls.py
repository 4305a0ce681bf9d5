from django.conf import settings
from django.contrib import admin
from django.urls import include, path
from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.documents import urls as wagtaildocs_urls

from cms import api
from cms.health import healthz

urlpatterns = [
    path("healthz", healthz),
    path("django-admin/", admin.site.urls),
    path("admin/", include(wagtailadmin_urls)),
    path("documents/", include(wagtaildocs_urls)),
    path("accounts/", include("allauth.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("", include("payments.urls")),
    *api.urlpatterns,
    path("", include("notifications.urls")),
    path("", include("portal_pages.urls")),
]

if settings.DEBUG:
    from django.conf.urls.static import static

    from cms.media import serve_media_in_development

    # Not the documents: only their serve view (under /documents/) hands them out.
    urlpatterns += static(
        settings.MEDIA_URL, view=serve_media_in_development, document_root=settings.MEDIA_ROOT
    )

# Errors raised outside a view's own handling: JSON under /api/, Django's pages elsewhere.
handler400 = "cms.error_views.bad_request"
handler403 = "cms.error_views.permission_denied"
handler404 = "cms.error_views.page_not_found"
handler500 = "cms.error_views.server_error"

# Wagtail's page serving comes last: it answers every remaining path with the clinic's pages.
urlpatterns += [path("", include(wagtail_urls))]
