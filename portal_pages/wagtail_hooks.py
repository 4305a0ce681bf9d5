"""The platform operator's "New clinic" screen in the admin's Settings menu, and the
managers' setup checklist on the admin home (``portal_pages.setup_checklist``)."""

from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem

from people.admin_toolkit.workspace import MANAGERS, request_admin_clinic, request_admin_role
from portal_pages.admin_launch import ClinicLaunchView
from portal_pages.setup_checklist import SetupChecklistPanel, setup_steps


@hooks.register("register_admin_urls")
def clinic_launch_urls():
    return [path("clinics/new/", ClinicLaunchView.as_view(), name="clinic_launch")]


class SuperuserMenuItem(MenuItem):
    def is_shown(self, request):
        return request.user.is_superuser


@hooks.register("register_settings_menu_item")
def clinic_launch_menu_item():
    return SuperuserMenuItem(_("New clinic"), reverse("clinic_launch"), icon_name="site")


@hooks.register("construct_homepage_panels")
def add_setup_checklist(request, panels):
    """Managers see what their clinic still needs first, until every step is done."""
    clinic = request_admin_clinic(request)
    if clinic is None or request_admin_role(request) not in MANAGERS:
        return
    steps = setup_steps(clinic)
    if not all(step.done for step in steps):
        panels.append(SetupChecklistPanel(clinic, steps))
