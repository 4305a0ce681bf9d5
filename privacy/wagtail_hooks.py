"""Privacy in the admin: the "Privacy requests" page in people's Clinic menu and the
client account's "Privacy" tab (consents with their wording, copies asked for, erasure
requests and their decision)."""

from django.urls import include, path
from django.utils.translation import gettext_lazy as _
from wagtail import hooks

from people.account_tabs import ClientAccountTab
from people.admin_toolkit.menus import MenuLink
from people.admin_toolkit.workspace import FRONT_DESK, request_admin_role
from privacy import admin_views
from privacy.models import ConsentKind
from privacy.selectors import (
    consent_history,
    consents_current,
    erasure_requests_for,
    exports_for,
    privacy_settings,
)


@hooks.register("register_admin_urls")
def register_privacy_urls():
    return [path("clinic/privacy/", include((admin_views.urlpatterns, "clinic_privacy")))]


PRIVACY_LINK = MenuLink(
    _("Privacy requests"), "clinic_privacy:requests", "clinic-privacy", "lock", 265, FRONT_DESK
)
hooks.register("register_clinic_menu_item", PRIVACY_LINK.menu_item)


def _tab_context(request, clinic, account):
    current = consents_current(clinic, account)
    return {
        "consents": [
            {"kind": kind, "label": label, "record": current[kind]}
            for kind, label in ConsentKind.choices
        ],
        "history": consent_history(clinic, account),
        "exports": exports_for(clinic, account),
        "requests": erasure_requests_for(clinic, account),
        "retention_years": privacy_settings(clinic).retention_years,
    }


def _front_desk(request, clinic, account):
    return request_admin_role(request) in FRONT_DESK


@hooks.register("register_client_account_tab")
def register_privacy_tab():
    return ClientAccountTab(
        key="privacy",
        label=_("Privacy"),
        group="admin",
        order=95,
        template_name="privacy/admin/account_tab.html",
        get_context=_tab_context,
        is_shown=_front_desk,
    )
