from django.conf import settings
from django.contrib import admin
from django.urls import include, path
from django.views.generic import RedirectView
from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.documents import urls as wagtaildocs_urls

from cms import api
from cms.health import healthz
from people.admin.login import VerifyingPasswordResetConfirmView
from people.magic_link import magic_link_sign_in
from portal_pages.language_views import set_language

urlpatterns = [
    path("healthz", healthz),
    path("django-admin/", admin.site.urls),
    # The admin's reset link confirms the person's address, as the portal's does.
    path(
        "admin/password_reset/confirm/<uidb64>/<token>/",
        VerifyingPasswordResetConfirmView.as_view(),
        name="wagtailadmin_password_reset_confirm",
    ),
    path("admin/", include(wagtailadmin_urls)),
    path("documents/", include(wagtaildocs_urls)),
    path("accounts/login/link/<str:token>/", magic_link_sign_in, name="magic_link_sign_in"),
    path("accounts/", include("allauth.urls")),
    # Apps: allauth's headless API (sign-up, verification, reset, code sign-in).
    path("_allauth/", include("allauth.headless.urls")),
    # Django's switcher, which also remembers a signed-in patient's choice at the clinic.
    path("i18n/setlang/", set_language, name="set_language"),
    path("", include("payments.urls")),
    *api.urlpatterns,
    path("", include("notifications.urls")),
    path("", include("automations.urls")),
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
handler429 = "cms.error_views.too_many_requests"  # allauth's limits

# Wagtail's page serving comes last: it answers every remaining path with the clinic's pages.
# Its own sign-in page for private pages (Django's bare LoginView: no failed sign-in limit,
# no email confirmation) is not a door: it sends people to the portal's sign-in (see also
# WAGTAIL_FRONTEND_LOGIN_URL), keeping ?next=.
urlpatterns += [
    path("_util/login/", RedirectView.as_view(pattern_name="account_login", query_string=True)),
    path("", include(wagtail_urls)),
]
