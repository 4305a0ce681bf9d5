"""Wagtail's own admin views, held to the person's clinic.

Wagtail checks permissions in most of its admin views, but some answer for any id they
are given: the page move confirmation, workflow screens, the page chooser's "chosen"
answer, the admin API's documents and images, the workflow task chooser, and the
bulk-action confirmations (which list, by title, the items you may not act on). The
workflow and page-type reports list every site's pages. Rather than trust each view,
``ClinicAdminGuardMiddleware`` looks at every admin request before its view runs:

- a page, image or document named in the URL (``page_id``, ``image_id``…) or in its
  ``id`` query (the choosers' "chosen" answers) must be one of the person's own (their
  clinic's page tree, their collections), else 404;
- the platform's screens (workflows and their reports, page types across sites) are for
  superusers only (403);
- a bulk action acts on, and lists, only the items the person may act on; the others
  are simply not there.

Superusers, and people not signed in (whom the views send to the login page), pass
untouched. The clinic's own models (``ClinicModelViewSet``) scope themselves, in their
views (``people.admin_toolkit.views``).
"""

import functools

from django.apps import apps
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.views.decorators.cache import never_cache
from django.views.defaults import page_not_found
from wagtail.admin.auth import require_admin_access
from wagtail.admin.views.bulk_action.registry import bulk_action_registry
from wagtail.documents import get_document_model
from wagtail.images import get_image_model
from wagtail.models import Page
from wagtail.permissions import policy_registry

from branding.admin_scope import scope_pages

PAGE_ARGUMENTS = {"page_id", "parent_page_id", "page_to_move_id", "destination_id", "page_pk"}

# URL names (or namespaces, ending in ":") whose ``pk`` is a page, image or document.
PK_OF = {
    "wagtailadmin_api:pages:": "page",
    "wagtailadmin_pages:revisions_compare": "page",
    "wagtailadmin_api:documents:": "document",
    "wagtaildocs_chooser:": "document",
    "wagtailadmin_api:images:": "image",
    "wagtailimages_chooser:": "image",
}
MEDIA_ARGUMENTS = {"document_id": "document", "doc_id": "document", "image_id": "image"}

# Views that read the ids they answer for from the query string (``?id=1&id=2``).
QUERY_IDS_OF = {
    "wagtailadmin_choose_page_chosen_multiple": "page",
    "wagtaildocs_chooser:chosen_multiple": "document",
    "wagtailimages_chooser:chosen_multiple": "image",
}

# The platform's screens: they span every clinic.
PLATFORM_ONLY = (
    "wagtailadmin_workflows:",
    "wagtailadmin_reports:workflow",
    "wagtailadmin_reports:workflow_results",
    "wagtailadmin_reports:workflow_tasks",
    "wagtailadmin_reports:workflow_tasks_results",
    "wagtailadmin_reports:page_types_usage",
    "wagtailadmin_reports:page_types_usage_results",
)
# Their entries in the Reports menu.
PLATFORM_REPORT_MENU_ITEMS = {"workflows", "workflow-tasks", "page-types-usage"}


def _named(view_name, names):
    return any(
        view_name.startswith(name) if name.endswith(":") else view_name == name for name in names
    )


def _kind_of_pk(view_name):
    for name, kind in PK_OF.items():
        if _named(view_name, [name]):
            return kind
    return None


def own_rows(kind, user):
    """The person's own pages (their clinic's tree and the path down to it), images or
    documents (their clinic's collections)."""
    if kind == "page":
        return scope_pages(Page.objects.all(), user)
    model = get_image_model() if kind == "image" else get_document_model()
    return policy_registry.get_by_type(model).instances_user_has_any_permission_for(
        user, ["add", "change", "delete", "choose"]
    )


def _all_own(kind, user, ids):
    try:
        wanted = {int(str(value)) for value in ids}
    except ValueError:
        return False
    return own_rows(kind, user).filter(pk__in=wanted).count() == len(wanted)


def _refuse_other_clinics(view_name, kwargs, query_ids, user):
    for argument, value in kwargs.items():
        if argument in PAGE_ARGUMENTS:
            kind = "page"
        elif argument in MEDIA_ARGUMENTS:
            kind = MEDIA_ARGUMENTS[argument]
        elif argument == "pk":
            kind = _kind_of_pk(view_name)
        else:
            kind = None
        if kind is not None and not _all_own(kind, user, [value]):
            raise Http404
    kind = QUERY_IDS_OF.get(view_name)
    if kind is not None and query_ids and not _all_own(kind, user, query_ids):
        raise Http404


@functools.cache
def _scoped_bulk_action_class(action_class):
    """``action_class`` without its list of the items the person may not act on (their
    titles are another clinic's business); it never acted on them anyway."""

    def get_actionable_objects(self):
        objects, _ = action_class.get_actionable_objects(self)
        return objects, {"items_with_no_access": []}

    return type(
        action_class.__name__, (action_class,), {"get_actionable_objects": get_actionable_objects}
    )


@never_cache
@require_admin_access
def scoped_bulk_action(request, app_label, model_name, action):
    """Wagtail's bulk-action dispatcher (``wagtail_bulk_action``), with the action
    scoped as above."""
    try:
        model = apps.get_model(app_label, model_name)
    except LookupError as exc:
        raise Http404 from exc
    action_class = bulk_action_registry.get_bulk_action_class(app_label, model_name, action)
    if action_class is None:
        raise Http404
    return _scoped_bulk_action_class(action_class)(request, model).dispatch(request)


class ClinicAdminGuardMiddleware:
    """Runs the checks above before every admin view (see the module's docstring)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        match = request.resolver_match
        if match is None or not match.route.startswith("admin/"):
            return None
        user = request.user
        if not user.is_authenticated or user.is_superuser:
            return None
        view_name = match.view_name
        if _named(view_name, PLATFORM_ONLY):
            raise PermissionDenied
        try:
            _refuse_other_clinics(view_name, view_kwargs, request.GET.getlist("id"), user)
        except Http404 as exc:  # the admin's own "not found" page, as Wagtail's views give
            return never_cache(page_not_found)(request, exc, "wagtailadmin/404.html")
        if view_name == "wagtail_bulk_action":
            return scoped_bulk_action(request, **view_kwargs)
        return None
