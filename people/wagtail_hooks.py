"""The clinic workspace in the Wagtail admin: a "Clinic" menu with Locations and Team
(managers), each scoped to the admin clinic, and the ``clinic_workspace`` URL namespace.

Apps above people add to both without people importing them: menu items with
``@hooks.register("register_clinic_menu_item")`` (records adds Clients, Forms and
Feedback) and URL patterns in the namespace with
``@hooks.register("register_clinic_workspace_urls")`` (records adds the client list and
account view)."""

from django.urls import include, path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import Menu, MenuItem, SubmenuMenuItem
from wagtail.permissions import register_permission_policy

from branding.models import Location
from people.admin_views import (
    MANAGERS,
    LocationViewSet,
    request_admin_role,
    workspace_urlpatterns,
)

location_viewset = LocationViewSet()
register_permission_policy(Location, location_viewset.permission_policy, exact_class=True)


@hooks.register("register_admin_viewset")
def register_location_viewset():
    return location_viewset


@hooks.register("register_admin_urls")
def register_workspace_urls():
    patterns = list(workspace_urlpatterns())
    for fn in hooks.get_hooks("register_clinic_workspace_urls"):
        patterns.extend(fn())
    return [path("clinic/", include((patterns, "clinic_workspace")))]


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
            _("Locations"),
            reverse(location_viewset.get_url_name("index")),
            name="clinic-locations",
            icon_name="site",
            order=200,
            roles=MANAGERS,
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
        _("Clinic"),
        Menu(items=items, register_hook_name="register_clinic_menu_item"),
        name="clinic",
        icon_name="home",
        order=150,
    )
