"""Admin registrations for rewards (imported by ``loyalty/wagtail_hooks.py``): the
client's Loyalty tab, the reward request queue, and a "Rewards" menu with the queue
(front desk) and the catalogue, tiers and programme (managers)."""

from django.urls import path
from django.utils.translation import gettext_lazy as _
from wagtail import hooks

from loyalty.staff import tab
from loyalty.staff.catalogue import ProgrammeView, RewardViewSet, TierViewSet
from loyalty.staff.views import ClientLoyaltyActionView, RequestDecisionView, RequestQueueView
from loyalty.wallet.check_in import WalletCheckInView
from people.account_tabs import ClientAccountTab, ClientOverviewPanel
from people.admin_toolkit.menus import ClinicMenu, MenuLink
from people.admin_toolkit.workspace import FRONT_DESK, MANAGERS


class RewardsMenu(ClinicMenu):
    menu_label = _("Rewards")
    menu_name = "rewards"
    menu_icon = "pick"
    menu_order = 170
    items = [RewardViewSet, TierViewSet]
    links = [
        MenuLink(
            _("Reward requests"), "loyalty_requests", "loyalty-requests", "pick", 100, FRONT_DESK
        ),
        MenuLink(
            _("Loyalty programme"), "loyalty_programme", "loyalty-programme", "cog", 400, MANAGERS
        ),
    ]


rewards_menu = RewardsMenu()


@hooks.register("register_admin_viewset")
def register_rewards_menu():
    return rewards_menu


@hooks.register("register_admin_urls")
def register_loyalty_urls():
    return [
        path("loyalty/requests/", RequestQueueView.as_view(), name="loyalty_requests"),
        path(
            "loyalty/requests/<id:pk>/<slug:decision>/",
            RequestDecisionView.as_view(),
            name="loyalty_request_decide",
        ),
        path(
            "loyalty/clients/<id:pk>/<slug:action>/",
            ClientLoyaltyActionView.as_view(),
            name="loyalty_client_action",
        ),
        path("loyalty/programme/", ProgrammeView.as_view(), name="loyalty_programme"),
        # The wallet pass's QR code (loyalty.wallet.membership.check_in_url).
        path("check-in/<str:number>/", WalletCheckInView.as_view(), name="loyalty_wallet_check_in"),
    ]


@hooks.register("register_client_account_tab")
def register_loyalty_tab():
    return ClientAccountTab(
        key="loyalty",
        label=_("Loyalty"),
        group="money",
        order=50,
        template_name="loyalty/admin/account_tab.html",
        get_context=tab.tab_context,
        is_shown=tab.is_shown,
    )


@hooks.register("register_client_overview_panel")
def register_loyalty_overview_panel():
    return ClientOverviewPanel(
        key="loyalty",
        order=50,
        template_name="loyalty/admin/overview_panel.html",
        get_context=tab.overview_context,
        is_shown=tab.is_shown,
    )


@hooks.register("register_today_waiting")
def reward_requests_waiting(request, clinic, role):
    """The admin home's "Requests waiting": reward requests awaiting a decision."""
    from django.urls import reverse

    from loyalty.rewards.selectors import pending_requests
    from records.today_selectors import WaitingItem

    count = pending_requests(clinic).count()
    return [
        WaitingItem("reward_requests", _("Reward requests"), count, reverse("loyalty_requests"))
    ]
