"""An "Automations" admin menu: nudges and settings (managers), pets' health due dates
and texts received (front desk)."""

from django.urls import path
from django.utils.translation import gettext_lazy as _
from wagtail import hooks

from automations.admin import (
    AutomationSettingsView,
    AutomationViewSet,
    InboundSmsViewSet,
    PetHealthDueViewSet,
    PreviewView,
)
from people.admin_toolkit.menus import ClinicMenu, MenuLink
from people.admin_toolkit.workspace import MANAGERS


class AutomationsMenu(ClinicMenu):
    menu_label = _("Automations")
    menu_name = "automations"
    menu_icon = "mail"
    menu_order = 180
    items = [AutomationViewSet, PetHealthDueViewSet, InboundSmsViewSet]
    links = [
        MenuLink(
            _("Automation settings"),
            "automation_settings",
            "automation-settings",
            "cog",
            400,
            MANAGERS,
        ),
    ]


automations_menu = AutomationsMenu()


@hooks.register("register_admin_viewset")
def register_automations_menu():
    return automations_menu


@hooks.register("register_admin_urls")
def register_automation_urls():
    return [
        path("automations/settings/", AutomationSettingsView.as_view(), name="automation_settings"),
        path("automations/preview/", PreviewView.as_view(), name="automation_preview"),
    ]
