"""The client-record workspace in the Wagtail admin: the client list and account view
(in people's ``clinic_workspace`` namespace, under /admin/clinic/clients/), the account
view's tabs (its own, pets, photos, messages, forms, medical history), form templates
and the Feedback list, and their items in people's "Clinic" menu."""

from django.urls import include, path
from django.utils.translation import gettext_lazy as _
from wagtail import hooks

import records.admin_tabs  # noqa: F401 -- registers the pets, photos and messages tabs
import records.forms_admin  # noqa: F401 -- forms, medical history, feedback
from people.account_tabs import HOOK_NAME, OVERVIEW_HOOK_NAME
from people.admin_toolkit.menus import MenuLink
from people.admin_toolkit.workspace import (
    FRONT_DESK,
    MANAGERS,
    request_admin_clinic,
    request_admin_role,
)
from people.models import StaffRole
from records import inbox_admin, treatment_admin
from records.workspace import client_actions as actions
from records.workspace.access import ALL_ROLES
from records.workspace.client_account import ClientDetailView
from records.workspace.client_list import ClientIndexView
from records.workspace.overview import overview_panels
from records.workspace.tabs import own_tabs
from records.workspace.today import TODAY_ROLES, TodayPanel


@hooks.register("register_clinic_workspace_urls")
def register_client_workspace_urls():
    # Names and paths as they were when people served them: clinic_workspace:clients…
    client = "clients/<id:pk>/"
    return [
        path("clients/", ClientIndexView.as_view(), name="clients"),
        path(client, ClientDetailView.as_view(), name="client_detail"),
        path(f"{client}field/", actions.ClientFieldView.as_view(), name="client_field"),
        path(f"{client}status/", actions.ClientStatusView.as_view(), name="client_status"),
        path(f"{client}notes/", actions.NoteCreateView.as_view(), name="client_note_create"),
        path(
            f"{client}notes/<id:note_pk>/pin/",
            actions.NotePinView.as_view(),
            name="client_note_pin",
        ),
        path(
            f"{client}preferences/",
            actions.PreferencesView.as_view(),
            name="client_preferences",
        ),
    ]


# Records' entries in people's "Clinic" menu (same names, order and roles as before).
CLINIC_MENU_LINKS = (
    MenuLink(_("Clients"), "clinic_workspace:clients", "clinic-clients", "group", 100, FRONT_DESK),
    MenuLink(_("Forms"), "clinic_forms:index", "clinic-forms", "doc-full", 250, MANAGERS),
    MenuLink(_("Feedback"), "clinic_feedback:list", "clinic-feedback", "comment", 260, FRONT_DESK),
    MenuLink(
        _("Follow-ups"), "clinic_treatments:follow_ups", "clinic-follow-ups", "date", 120, ALL_ROLES
    ),
)
for _link in CLINIC_MENU_LINKS:
    hooks.register("register_clinic_menu_item", _link.menu_item)
hooks.register("register_clinic_menu_item", inbox_admin.inbox_menu_item)


@hooks.register("register_admin_urls")
def register_inbox_urls():
    return [
        path("clinic/inbox/", include((inbox_admin.urlpatterns, "clinic_inbox"))),
        path("clinic/treatments/", include((treatment_admin.urlpatterns, "clinic_treatments"))),
    ]


hooks.register(HOOK_NAME, treatment_admin.treatments_tab)


def _tab_hook(tab):
    def hook():
        return tab

    return hook


# The account view's own tabs (Overview, Details, Appointments, Notes, Communication
# log, Communication preferences, Audit trail) join other apps' tabs through the same
# hook; its Overview panels (medical and form alerts, tags) join theirs.
for _tab in own_tabs():
    hooks.register(HOOK_NAME, _tab_hook(_tab))
for _panel in overview_panels():
    hooks.register(OVERVIEW_HOOK_NAME, _tab_hook(_panel))


@hooks.register("construct_homepage_panels")
def add_today_panel(request, panels):
    """The admin home for clinic staff is their day: the Today panel first. Front desk
    and therapists, who edit no pages, lose Wagtail's page panels (other apps' panels,
    added the same way, stay); managers keep them below."""
    clinic = request_admin_clinic(request)
    role = request_admin_role(request)
    if clinic is None or role not in TODAY_ROLES:
        return
    if role in (StaffRole.STAFF, StaffRole.THERAPIST):
        panels[:] = [p for p in panels if not type(p).__module__.startswith("wagtail.")]
    panels.insert(0, TodayPanel(request, clinic, role))
