"""Admin registrations for rewards (imported by ``loyalty/wagtail_hooks.py``): the
client's Loyalty tab, the reward request queue, and a "Rewards" menu with the queue
(front desk) and the catalogue, tiers and programme (managers)."""

from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import Menu, SubmenuMenuItem
from wagtail.permissions import register_permission_policy

from loyalty.models import Reward, Tier
from loyalty.staff import tab
from loyalty.staff.catalogue import ProgrammeView, RewardViewSet, TierViewSet
from loyalty.staff.views import ClientLoyaltyActionView, RequestDecisionView, RequestQueueView
from people.account_tabs import ClientAccountTab
from people.admin_views import FRONT_DESK, MANAGERS
from people.wagtail_hooks import RoleMenuItem

reward_viewset = RewardViewSet()
tier_viewset = TierViewSet()
for _model, _viewset in ((Reward, reward_viewset), (Tier, tier_viewset)):
    register_permission_policy(_model, _viewset.permission_policy, exact_class=True)


@hooks.register("register_admin_viewset")
def register_reward_viewsets():
    return [reward_viewset, tier_viewset]


@hooks.register("register_admin_urls")
def register_loyalty_urls():
    return [
        path("loyalty/requests/", RequestQueueView.as_view(), name="loyalty_requests"),
        path(
            "loyalty/requests/<int:pk>/<slug:decision>/",
            RequestDecisionView.as_view(),
            name="loyalty_request_decide",
        ),
        path(
            "loyalty/clients/<int:pk>/<slug:action>/",
            ClientLoyaltyActionView.as_view(),
            name="loyalty_client_action",
        ),
        path("loyalty/programme/", ProgrammeView.as_view(), name="loyalty_programme"),
    ]


@hooks.register("register_client_account_tab")
def register_loyalty_tab():
    return ClientAccountTab(
        key="loyalty",
        label=_("Loyalty"),
        order=50,
        template_name="loyalty/admin/account_tab.html",
        get_context=tab.tab_context,
        is_shown=tab.is_shown,
    )


@hooks.register("register_admin_menu_item")
def register_rewards_menu():
    items = [
        RoleMenuItem(
            _("Reward requests"),
            reverse("loyalty_requests"),
            name="loyalty-requests",
            icon_name="pick",
            order=100,
            roles=FRONT_DESK,
        ),
        RoleMenuItem(
            _("Rewards catalogue"),
            reverse(reward_viewset.get_url_name("index")),
            name="loyalty-rewards",
            icon_name="tag",
            order=200,
            roles=MANAGERS,
        ),
        RoleMenuItem(
            _("Tiers"),
            reverse(tier_viewset.get_url_name("index")),
            name="loyalty-tiers",
            icon_name="order",
            order=300,
            roles=MANAGERS,
        ),
        RoleMenuItem(
            _("Loyalty programme"),
            reverse("loyalty_programme"),
            name="loyalty-programme",
            icon_name="cog",
            order=400,
            roles=MANAGERS,
        ),
    ]
    return SubmenuMenuItem(
        _("Rewards"), Menu(items=items), name="rewards", icon_name="pick", order=170
    )
