"""The "Practice sync" page in people's Clinic menu."""

from django.urls import include, path
from django.utils.translation import gettext_lazy as _
from wagtail import hooks

from people.admin_toolkit.menus import MenuLink
from people.admin_toolkit.workspace import FRONT_DESK
from sync import admin_views


@hooks.register("register_admin_urls")
def register_sync_urls():
    return [path("clinic/sync/", include((admin_views.urlpatterns, "clinic_sync")))]


SYNC_LINK = MenuLink(
    _("Practice sync"), "clinic_sync:overview", "clinic-sync", "resubmit", 270, FRONT_DESK
)
hooks.register("register_clinic_menu_item", SYNC_LINK.menu_item)
