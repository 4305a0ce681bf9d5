"""Admin scoping for clinics: a clinic's people see only their own clinic's pages.

Wagtail already limits the page explorer, settings (GroupSitePermission) and media
(collection permissions) to what a group may touch. The page chooser is the exception:
any admin user may browse and search the whole page tree in it, which would list other
clinics' pages. These hooks narrow the chooser (and, as a second line, the explorer) to
the page trees the person has page permissions on.

The page listing's filters ("Site", "Owner", "Edited by") offer every site and every
page author of the platform, with no hook to narrow them; below, their querysets are
replaced by ones scoped to the person's page trees, and so is the site history report's
"User" filter. The admin API's documents and images
answer with the person's own only, and the Reports menu leaves out the reports that span
every clinic. Views that answer for any id they are given are refused by
``branding.admin_guard.ClinicAdminGuardMiddleware``.
"""

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from wagtail import hooks
from wagtail.admin.views.pages.listing import GenericPageFilterSet, PageFilterSet
from wagtail.admin.views.reports.audit_logging import (
    SiteHistoryReportFilterSet,
    get_users_for_filter,
)
from wagtail.documents.api.admin.views import DocumentsAdminAPIViewSet
from wagtail.images.api.admin.views import ImagesAdminAPIViewSet
from wagtail.models import Page, PageLogEntry, Site

from branding.admin_guard import PLATFORM_REPORT_MENU_ITEMS, own_rows
from branding.admin_scope import scope_pages


def _parent_is_visible(parent_page, user):
    if user.is_superuser or parent_page.is_root():
        return True
    return scope_pages(Page.objects.filter(pk=parent_page.pk), user).exists()


@hooks.register("construct_page_chooser_queryset")
def scope_page_chooser_to_clinic(pages, request):
    match = getattr(request, "resolver_match", None)
    parent_id = match.kwargs.get("parent_page_id") if match else None
    if parent_id is not None:
        parent = Page.objects.filter(pk=parent_id).first()
        # Browsing into another clinic's page would show its title as the heading.
        if parent is not None and not _parent_is_visible(parent, request.user):
            raise PermissionDenied
    return scope_pages(pages, request.user)


@hooks.register("construct_explorer_page_queryset")
def scope_explorer_to_clinic(parent_page, pages, request):
    return scope_pages(pages, request.user)


def _sites_for_request(request):
    if request is None or request.user.is_superuser:
        return Site.objects.all()
    roots = scope_pages(Page.objects.all(), request.user).values("pk")
    return Site.objects.filter(root_page__in=roots)


def _page_owners_for_request(request):
    pages = Page.objects.all()
    if request is not None:
        pages = scope_pages(pages, request.user)
    return get_user_model().objects.filter(
        pk__in=pages.order_by().values_list("owner_id", flat=True).distinct()
    )


def _page_editors_for_request(request):
    entries = PageLogEntry.objects.filter(action="wagtail.edit")
    if request is not None:
        entries = entries.filter(page__in=scope_pages(Page.objects.all(), request.user))
    return get_user_model().objects.filter(
        pk__in=entries.order_by().values_list("user_id", flat=True).distinct()
    )


def _scope_page_listing_filters():
    for filterset in (PageFilterSet, GenericPageFilterSet):
        filterset.base_filters["site"].queryset = _sites_for_request
        filterset.base_filters["owner"].queryset = _page_owners_for_request
        filterset.base_filters["edited_by"].queryset = _page_editors_for_request


_scope_page_listing_filters()


# --- The admin API's documents and images ----------------------------------------------
# Wagtail's admin API lists and shows every document and image of the platform; these
# endpoints, registered after Wagtail's own (a higher ``order``), answer with the
# person's own (their clinic's collections) only.


class ClinicDocumentsAdminAPIViewSet(DocumentsAdminAPIViewSet):
    def get_queryset(self):
        return super().get_queryset().filter(pk__in=own_rows("document", self.request.user))


class ClinicImagesAdminAPIViewSet(ImagesAdminAPIViewSet):
    def get_queryset(self):
        return super().get_queryset().filter(pk__in=own_rows("image", self.request.user))


@hooks.register("construct_admin_api", order=100)
def scope_admin_api_media(router):
    router.register_endpoint("documents", ClinicDocumentsAdminAPIViewSet)
    router.register_endpoint("images", ClinicImagesAdminAPIViewSet)


@hooks.register("construct_reports_menu")
def hide_platform_reports(request, menu_items):
    """The workflow and page-type reports span every clinic (``admin_guard`` refuses
    them to all but superusers): not offered either."""
    if not request.user.is_superuser:
        menu_items[:] = [item for item in menu_items if item.name not in PLATFORM_REPORT_MENU_ITEMS]


def _site_history_users(filterset):
    # Wagtail offers every user with a page log entry anywhere; its own narrower
    # ``get_users_for_filter`` (the authors of the entries the person may see) is unused.
    return get_users_for_filter(filterset.request.user)


# The site history report's "User" filter: the authors of what the person may see only.
SiteHistoryReportFilterSet.get_users_queryset = _site_history_users
