"""The admin's clinic menus. Each menu is one ``ClinicMenu``, a Wagtail ``ViewSetGroup``
registered with the ``register_admin_viewset`` hook (as wagtail/bakerydemo does): its
``items`` are the model viewsets (``ClinicModelViewSet``), and its ``links`` the custom
views whose URLs the app registers itself (``register_admin_urls``). Every entry is shown
only to people with one of its roles at the request's admin clinic."""

from dataclasses import dataclass

from django.urls import reverse
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.admin.viewsets.base import ViewSetGroup

from branding.selectors import feature_enabled
from people.admin_toolkit.workspace import request_admin_clinic, request_admin_role


class RoleMenuItem(MenuItem):
    """Shown only to people with one of ``roles`` at the request's admin clinic, and,
    with ``feature``, only where that clinic has the feature on (a med-spa has no pets'
    health menu)."""

    def __init__(self, *args, roles, feature=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.roles = roles
        self.feature = feature

    def is_shown(self, request):
        if request_admin_role(request) not in self.roles:
            return False
        return self.feature is None or feature_enabled(request_admin_clinic(request), self.feature)


@dataclass(frozen=True)
class MenuLink:
    """A menu entry for a custom view, by its URL name."""

    label: str
    url_name: str
    name: str
    icon: str
    order: int
    roles: tuple
    feature: str | None = None

    def menu_item(self):
        return RoleMenuItem(
            self.label,
            reverse(self.url_name),
            name=self.name,
            icon_name=self.icon,
            order=self.order,
            roles=self.roles,
            feature=self.feature,
        )


class ClinicMenu(ViewSetGroup):
    """One admin menu: ``items`` (viewsets, each with its ``menu_order``), ``links``, and
    the menu items that apps above register with ``item_hook_name`` (if set), so a menu
    can hold entries of apps its own app may not import."""

    links = ()
    item_hook_name = ""

    def get_submenu_items(self):
        hooked = hooks.get_hooks(self.item_hook_name) if self.item_hook_name else []
        return [
            *super().get_submenu_items(),
            *(link.menu_item() for link in self.links),
            *(fn() for fn in hooked),
        ]
