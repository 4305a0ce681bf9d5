"""The commerce app's admin: a "Shop" menu (packages: managers edit, front desk list;
gift cards: the front desk) and the client account's "Packages" tab with its actions,
and its Overview card (packages in use, gift-card balances)."""

from django.urls import path
from django.utils.translation import gettext_lazy as _
from wagtail import hooks

from commerce.staff import views
from commerce.staff.catalogue import PackagePlanViewSet
from commerce.staff.giftcards import GiftCardActionView, GiftCardListView
from commerce.staff.overview import overview_panel
from people.account_tabs import ClientAccountTab
from people.admin_toolkit.menus import ClinicMenu, MenuLink
from people.admin_toolkit.workspace import FRONT_DESK


class ShopMenu(ClinicMenu):
    menu_label = _("Shop")
    menu_name = "shop"
    menu_icon = "tag"
    menu_order = 175
    items = [PackagePlanViewSet]
    links = [
        MenuLink(_("Gift cards"), "commerce_gift_cards", "shop-gift-cards", "tag", 200, FRONT_DESK),
    ]


shop_menu = ShopMenu()


@hooks.register("register_admin_viewset")
def register_shop_menu():
    return shop_menu


@hooks.register("register_admin_urls")
def register_shop_urls():
    return [
        path("shop/gift-cards/", GiftCardListView.as_view(), name="commerce_gift_cards"),
        path(
            "shop/gift-cards/<slug:action>/",
            GiftCardActionView.as_view(),
            name="commerce_gift_card_new",
        ),
        path(
            "shop/gift-cards/<id:pk>/<slug:action>/",
            GiftCardActionView.as_view(),
            name="commerce_gift_card_action",
        ),
        path(
            "shop/clients/<id:pk>/<slug:action>/",
            views.ClientShopActionView.as_view(),
            name="commerce_client_action",
        ),
    ]


@hooks.register("register_client_account_tab")
def register_packages_tab():
    return ClientAccountTab(
        key="packages",
        label=_("Packages and purchases"),
        group="money",
        order=55,
        template_name="commerce/admin/account_tab.html",
        get_context=views.tab_context,
        is_shown=views.is_shown,
    )


@hooks.register("register_client_overview_panel")
def register_packages_overview_panel():
    return overview_panel(views.is_shown)
