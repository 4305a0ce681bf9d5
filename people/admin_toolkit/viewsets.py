"""``ClinicModelViewSet``: a Wagtail model viewset for a clinic-owned model, with the
scoping, the role permission policy and the views above wired in (every view of the
viewset: index, add, edit, delete, history and its results, usage, inspect, copy). An app's viewset
declares its model, form (``edit_handler``), list columns, menu entry and roles:

    class TierViewSet(ClinicModelViewSet):
        model = Tier
        name, url_prefix = "loyalty_tiers", "loyalty/tiers"
        menu_label, menu_name, icon, menu_order = _("Tiers"), "loyalty-tiers", "order", 300
        edit_roles = MANAGERS          # add, change, delete (and list)
        view_roles = FRONT_DESK        # may also list; default: edit_roles only
        protected_message = _("…")     # when a row still in use is deleted
"""

from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.permissions import register_permission_policy

from people.admin_toolkit.menus import RoleMenuItem
from people.admin_toolkit.policies import ClinicRolePermissionPolicy
from people.admin_toolkit.views import (
    ClinicCopyView,
    ClinicCreateView,
    ClinicDeleteView,
    ClinicEditView,
    ClinicHistoryView,
    ClinicIndexView,
    ClinicInspectView,
    ClinicUsageView,
)
from people.admin_toolkit.workspace import MANAGERS


class ClinicModelViewSet(ModelViewSet):
    edit_roles = MANAGERS
    view_roles = None
    # A feature toggle the menu entry follows (None: always there).
    menu_feature = None
    protected_message = ClinicDeleteView.protected_message

    # Reached from its clinic menu (a ViewSetGroup), never on its own.
    add_to_admin_menu = False
    copy_view_enabled = False
    inspect_view_enabled = False
    index_view_class = ClinicIndexView
    add_view_class = ClinicCreateView
    edit_view_class = ClinicEditView
    delete_view_class = ClinicDeleteView
    # Every view of one row finds it among the person's clinic's rows only (else 404),
    # Wagtail's generic history, usage, inspect and copy views included.
    history_view_class = ClinicHistoryView
    usage_view_class = ClinicUsageView
    inspect_view_class = ClinicInspectView
    copy_view_class = ClinicCopyView

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Wagtail 8 asks its registry for a model's policy (the views, the menu, the
        # reference index); the viewset's ``permission_policy`` reads it from there.
        register_permission_policy(
            self.model,
            ClinicRolePermissionPolicy(
                self.model, roles=self.edit_roles, view_roles=self.view_roles
            ),
            exact_class=True,
        )

    @property
    def menu_roles(self):
        """Who sees the menu entry: whoever may list the rows."""
        return self.view_roles if self.view_roles is not None else self.edit_roles

    def get_delete_view_kwargs(self, **kwargs):
        return super().get_delete_view_kwargs(protected_message=self.protected_message, **kwargs)

    def get_menu_item(self, order=None):
        return RoleMenuItem(
            self.menu_label,
            self.menu_url,
            name=self.menu_name,
            icon_name=self.menu_icon,
            order=self.get_menu_item_order(order),
            roles=self.menu_roles,
            feature=self.menu_feature,
        )
