"""The person's own pages in the admin: the page trees their groups have page
permissions on (their clinic's), and the path down to them. Used by the page chooser and
explorer hooks (``branding.wagtail_hooks``) and the admin guard (``branding.admin_guard``)."""

from django.db.models import Q
from wagtail.models import Page
from wagtail.permission_policies.pages import PagePermissionPolicy


def permitted_roots(user):
    """The top pages of the trees the person has any page permission on."""
    return [perm.page for perm in PagePermissionPolicy().get_cached_permissions_for_user(user)]


def scope_pages(pages, user):
    """``pages`` narrowed to the person's page trees and the ancestors leading to them."""
    if user.is_superuser:
        return pages
    roots = permitted_roots(user)
    if not roots:
        return pages.none()
    within = Q()
    for root in roots:
        # The tree itself, and the path down to it (so the chooser can be browsed to it).
        within |= Q(path__startswith=root.path)
        ancestors = [root.path[:i] for i in range(Page.steplen, len(root.path), Page.steplen)]
        within |= Q(path__in=ancestors)
    return pages.filter(within)
