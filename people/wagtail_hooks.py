"""The clinic workspace in the Wagtail admin: a "Clinic" menu with Locations (managers),
Clients (managers and staff) and Team (managers), each scoped to the admin clinic."""

from django.urls import include, path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import Menu, MenuItem, SubmenuMenuItem
from wagtail.permissions import register_permission_policy

import people.admin_tabs  # noqa: F401 -- registers the pets, photos and messages tabs
import people.forms_admin  # noqa: F401 -- forms, medical history, feedback
from branding.models import Location
from people.admin_views import (
    FRONT_DESK,
    MANAGERS,
    LocationViewSet,
    request_admin_role,
    workspace_urlpatterns,
)
from people.workspace.tabs import own_tabs

location_viewset = LocationViewSet()
register_permission_policy(Location, location_viewset.permission_policy, exact_class=True)


@hooks.register("register_admin_viewset")
def register_location_viewset():
    return location_viewset


@hooks.register("register_admin_urls")
def register_workspace_urls():
    return [
        path("clinic/", include((workspace_urlpatterns(), "clinic_workspace"))),
    ]


class RoleMenuItem(MenuItem):
    """Shown only to people with one of ``roles`` at the request's admin clinic."""

    def __init__(self, *args, roles, **kwargs):
        super().__init__(*args, **kwargs)
        self.roles = roles

    def is_shown(self, request):
        return request_admin_role(request) in self.roles


@hooks.register("register_admin_menu_item")
def register_clinic_menu():
    items = [
        RoleMenuItem(
            _("Clients"),
            reverse("clinic_workspace:clients"),
            name="clinic-clients",
            icon_name="group",
            order=100,
            roles=FRONT_DESK,
        ),
        RoleMenuItem(
            _("Locations"),
            reverse(location_viewset.get_url_name("index")),
            name="clinic-locations",
            icon_name="site",
            order=200,
            roles=MANAGERS,
        ),
        RoleMenuItem(
            _("Forms"),
            reverse("clinic_forms:index"),
            name="clinic-forms",
            icon_name="doc-full",
            order=250,
            roles=MANAGERS,
        ),
        RoleMenuItem(
            _("Feedback"),
            reverse("clinic_feedback:list"),
            name="clinic-feedback",
            icon_name="comment",
            order=260,
            roles=FRONT_DESK,
        ),
        RoleMenuItem(
            _("Team"),
            reverse("clinic_workspace:team"),
            name="clinic-team",
            icon_name="user",
            order=300,
            roles=MANAGERS,
        ),
    ]
    return SubmenuMenuItem(
        _("Clinic"), Menu(items=items), name="clinic", icon_name="home", order=150
    )


def _tab_hook(tab):
    def hook():
        return tab

    return hook


# The account view's own tabs (Overview, Appointments, Notes, Communication
# preferences, Audit trail) join other apps' tabs through the same hook.
for _tab in own_tabs():
    hooks.register("register_client_account_tab", _tab_hook(_tab))
