"""Admin scoping for clinics: a clinic's people see only their own clinic's pages.

Wagtail already limits the page explorer, settings (GroupSitePermission) and media
(collection permissions) to what a group may touch. The page chooser is the exception:
any admin user may browse and search the whole page tree in it, which would list other
clinics' pages. These hooks narrow the chooser (and, as a second line, the explorer) to
the page trees the person has page permissions on.

The page listing's filters ("Site", "Owner", "Edited by") offer every site and every
page author of the platform, with no hook to narrow them; below, their querysets are
replaced by ones scoped to the person's page trees.
"""

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from wagtail import hooks
from wagtail.admin.views.pages.listing import GenericPageFilterSet, PageFilterSet
from wagtail.models import Page, PageLogEntry, Site
from wagtail.permission_policies.pages import PagePermissionPolicy


def _permitted_roots(user):
    """The top pages of the trees the person has any page permission on."""
    return [perm.page for perm in PagePermissionPolicy().get_cached_permissions_for_user(user)]


def _scope_pages(pages, user):
    """``pages`` narrowed to the person's page trees and the ancestors leading to them."""
    if user.is_superuser:
        return pages
    roots = _permitted_roots(user)
    if not roots:
        return pages.none()
    within = Q()
    for root in roots:
        # The tree itself, and the path down to it (so the chooser can be browsed to it).
        within |= Q(path__startswith=root.path)
        ancestors = [root.path[:i] for i in range(Page.steplen, len(root.path), Page.steplen)]
        within |= Q(path__in=ancestors)
    return pages.filter(within)


def _parent_is_visible(parent_page, user):
    if user.is_superuser or parent_page.is_root():
        return True
    return _scope_pages(Page.objects.filter(pk=parent_page.pk), user).exists()


@hooks.register("construct_page_chooser_queryset")
def scope_page_chooser_to_clinic(pages, request):
    match = getattr(request, "resolver_match", None)
    parent_id = match.kwargs.get("parent_page_id") if match else None
    if parent_id is not None:
        parent = Page.objects.filter(pk=parent_id).first()
        # Browsing into another clinic's page would show its title as the heading.
        if parent is not None and not _parent_is_visible(parent, request.user):
            raise PermissionDenied
    return _scope_pages(pages, request.user)


@hooks.register("construct_explorer_page_queryset")
def scope_explorer_to_clinic(parent_page, pages, request):
    return _scope_pages(pages, request.user)


def _sites_for_request(request):
    if request is None or request.user.is_superuser:
        return Site.objects.all()
    roots = _scope_pages(Page.objects.all(), request.user).values("pk")
    return Site.objects.filter(root_page__in=roots)


def _page_owners_for_request(request):
    pages = Page.objects.all()
    if request is not None:
        pages = _scope_pages(pages, request.user)
    return get_user_model().objects.filter(
        pk__in=pages.order_by().values_list("owner_id", flat=True).distinct()
    )


def _page_editors_for_request(request):
    entries = PageLogEntry.objects.filter(action="wagtail.edit")
    if request is not None:
        entries = entries.filter(page__in=_scope_pages(Page.objects.all(), request.user))
    return get_user_model().objects.filter(
        pk__in=entries.order_by().values_list("user_id", flat=True).distinct()
    )


def _scope_page_listing_filters():
    for filterset in (PageFilterSet, GenericPageFilterSet):
        filterset.base_filters["site"].queryset = _sites_for_request
        filterset.base_filters["owner"].queryset = _page_owners_for_request
        filterset.base_filters["edited_by"].queryset = _page_editors_for_request


_scope_page_listing_filters()
