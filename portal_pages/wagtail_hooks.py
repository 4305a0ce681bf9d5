"""The platform operator's "New clinic" screen in the admin's Settings menu."""

from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem

from portal_pages.admin_launch import ClinicLaunchView


@hooks.register("register_admin_urls")
def clinic_launch_urls():
    return [path("clinics/new/", ClinicLaunchView.as_view(), name="clinic_launch")]


class SuperuserMenuItem(MenuItem):
    def is_shown(self, request):
        return request.user.is_superuser


@hooks.register("register_settings_menu_item")
def clinic_launch_menu_item():
    return SuperuserMenuItem(_("New clinic"), reverse("clinic_launch"), icon_name="site")
