"""The clinic workspace in the Wagtail admin: a "Clinic" menu with Locations and Team
(managers), each scoped to the admin clinic, and the ``clinic_workspace`` URL namespace.

Apps above people add to both without people importing them: menu entries with
``@hooks.register("register_clinic_menu_item")`` (records adds Clients, Forms and
Feedback) and URL patterns in the namespace with
``@hooks.register("register_clinic_workspace_urls")`` (records adds the client list and
account view).

Wagtail documents are served to their clinic's staff, on its domain, unless the clinic
made them public (``people.documents``)."""

from django.templatetags.static import static
from django.urls import include, path
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.staticfiles import versioned_static

from people.admin.locations import LocationViewSet
from people.admin.urls import workspace_urlpatterns
from people.admin_toolkit.menus import ClinicMenu, MenuLink
from people.admin_toolkit.workspace import MANAGERS
from people.documents import document_refusal


class ClinicWorkspaceMenu(ClinicMenu):
    menu_label = _("Clinic")
    menu_name = "clinic"
    menu_icon = "home"
    menu_order = 150
    items = [LocationViewSet]
    links = [
        MenuLink(_("Team"), "clinic_workspace:team", "clinic-team", "user", 300, MANAGERS),
        MenuLink(
            _("Audit log"),
            "clinic_workspace:audit_export",
            "clinic-audit",
            "history",
            900,
            MANAGERS,
        ),
    ]
    item_hook_name = "register_clinic_menu_item"


clinic_menu = ClinicWorkspaceMenu()


@hooks.register("register_admin_viewset")
def register_clinic_menu():
    return clinic_menu


@hooks.register("register_admin_urls")
def register_workspace_urls():
    patterns = list(workspace_urlpatterns())
    for fn in hooks.get_hooks("register_clinic_workspace_urls"):
        patterns.extend(fn())
    return [path("clinic/", include((patterns, "clinic_workspace")))]


# Before Wagtail's own check of collection privacy (order 0), which can only narrow it.
@hooks.register("before_serve_document", order=-10)
def serve_documents_to_their_clinic(document, request):
    return document_refusal(document, request)


@hooks.register("insert_global_admin_js")
def clinic_date_pickers():
    """Wagtail's date-time chooser and the script that starts it on the clinic-format
    date fields (``people.admin_toolkit.fields``), on every admin page."""
    return format_html(
        '<script src="{}"></script><script src="{}" defer></script>',
        versioned_static("wagtailadmin/js/date-time-chooser.js"),
        static("people/admin/pickers.js"),
    )
