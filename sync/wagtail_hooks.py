"""The "Practice sync" page in people's Clinic menu."""

from django.urls import include, path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks

from people.admin_toolkit.menus import RoleMenuItem
from people.admin_toolkit.workspace import FRONT_DESK, request_admin_clinic, request_admin_role
from people.models import StaffRole
from sync import admin_views
from sync.selectors import clinic_connection


@hooks.register("register_admin_urls")
def register_sync_urls():
    return [path("clinic/sync/", include((admin_views.urlpatterns, "clinic_sync")))]


class SyncMenuItem(RoleMenuItem):
    """Managers always (it is where a practice system is connected); the desk only
    once there is a connection to watch."""

    def is_shown(self, request):
        if not super().is_shown(request):
            return False
        if request_admin_role(request) == StaffRole.MANAGER:
            return True
        return clinic_connection(request_admin_clinic(request)) is not None


@hooks.register("register_clinic_menu_item")
def sync_menu_item():
    return SyncMenuItem(
        _("Practice sync"),
        reverse("clinic_sync:overview"),
        name="clinic-sync",
        icon_name="resubmit",
        order=270,
        roles=FRONT_DESK,
    )
