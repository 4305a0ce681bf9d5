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

from people.admin_toolkit.workspace import request_admin_role


class RoleMenuItem(MenuItem):
    """Shown only to people with one of ``roles`` at the request's admin clinic."""

    def __init__(self, *args, roles, **kwargs):
        super().__init__(*args, **kwargs)
        self.roles = roles

    def is_shown(self, request):
        return request_admin_role(request) in self.roles


@dataclass(frozen=True)
class MenuLink:
    """A menu entry for a custom view, by its URL name."""

    label: str
    url_name: str
    name: str
    icon: str
    order: int
    roles: tuple

    def menu_item(self):
        return RoleMenuItem(
            self.label,
            reverse(self.url_name),
            name=self.name,
            icon_name=self.icon,
            order=self.order,
            roles=self.roles,
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
