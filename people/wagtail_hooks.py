"""The clinic workspace in the Wagtail admin: a "Clinic" menu with Clients (front desk),
Locations and Forms (managers), Feedback (front desk) and Team (managers), each scoped
to the admin clinic."""

from django.urls import include, path
from django.utils.translation import gettext_lazy as _
from wagtail import hooks

import people.admin_tabs  # noqa: F401 -- registers the pets, photos and messages tabs
import people.forms_admin  # noqa: F401 -- forms, medical history, feedback
from people.admin.locations import LocationViewSet
from people.admin.urls import workspace_urlpatterns
from people.admin_toolkit.menus import ClinicMenu, MenuLink
from people.admin_toolkit.workspace import FRONT_DESK, MANAGERS
from people.workspace.tabs import own_tabs


class ClinicWorkspaceMenu(ClinicMenu):
    menu_label = _("Clinic")
    menu_name = "clinic"
    menu_icon = "home"
    menu_order = 150
    items = [LocationViewSet]
    links = [
        MenuLink(
            _("Clients"), "clinic_workspace:clients", "clinic-clients", "group", 100, FRONT_DESK
        ),
        # The forms viewset registers itself (people.forms_admin); linked here by URL.
        MenuLink(_("Forms"), "clinic_forms:index", "clinic-forms", "doc-full", 250, MANAGERS),
        MenuLink(
            _("Feedback"), "clinic_feedback:list", "clinic-feedback", "comment", 260, FRONT_DESK
        ),
        MenuLink(_("Team"), "clinic_workspace:team", "clinic-team", "user", 300, MANAGERS),
    ]


clinic_menu = ClinicWorkspaceMenu()


@hooks.register("register_admin_viewset")
def register_clinic_menu():
    return clinic_menu


@hooks.register("register_admin_urls")
def register_workspace_urls():
    return [
        path("clinic/", include((workspace_urlpatterns(), "clinic_workspace"))),
    ]


def _tab_hook(tab):
    def hook():
        return tab

    return hook


# The account view's own tabs (Overview, Appointments, Notes, Communication
# preferences, Audit trail) join other apps' tabs through the same hook.
for _tab in own_tabs():
    hooks.register("register_client_account_tab", _tab_hook(_tab))
