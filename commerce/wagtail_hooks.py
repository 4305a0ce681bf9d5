"""The commerce app's admin: a "Shop" menu (packages, products and membership plans:
managers edit, front desk list; gift cards and orders: the front desk), the client
account's "Packages", "Orders" and "Memberships" tabs with their actions, its Overview
card (packages in use, gift-card balances), and a purchase's receipt for staff."""

from django.urls import path
from django.utils.translation import gettext_lazy as _
from wagtail import hooks

from commerce.desk.views import desk_urlpatterns
from commerce.staff import memberships as staff_memberships
from commerce.staff import views
from commerce.staff.catalogue import PackagePlanViewSet
from commerce.staff.giftcards import GiftCardActionView, GiftCardListView
from commerce.staff.orders import OrderListView, OrderStepView
from commerce.staff.orders import tab_context as orders_tab_context
from commerce.staff.orders import tab_is_shown as orders_tab_is_shown
from commerce.staff.overview import overview_panel
from commerce.staff.products import ProductViewSet
from people.account_tabs import ClientAccountTab
from people.admin_toolkit.menus import ClinicMenu, MenuLink
from people.admin_toolkit.workspace import FRONT_DESK


class ShopMenu(ClinicMenu):
    menu_label = _("Shop")
    menu_name = "shop"
    menu_icon = "tag"
    menu_order = 175
    items = [PackagePlanViewSet, ProductViewSet, staff_memberships.MembershipPlanViewSet]
    links = [
        MenuLink(_("Gift cards"), "commerce_gift_cards", "shop-gift-cards", "tag", 200, FRONT_DESK),
        MenuLink(_("Orders"), "commerce_orders", "shop-orders", "list-ul", 150, FRONT_DESK),
    ]


shop_menu = ShopMenu()


@hooks.register("register_admin_viewset")
def register_shop_menu():
    return shop_menu


@hooks.register("register_admin_urls")
def register_shop_urls():
    return [
        *desk_urlpatterns(),
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
        path("shop/orders/", OrderListView.as_view(), name="commerce_orders"),
        path(
            "shop/orders/<id:pk>/<slug:action>/",
            OrderStepView.as_view(),
            name="commerce_order_step",
        ),
        path(
            "shop/purchases/<id:pk>/receipt.pdf",
            views.PurchaseReceiptView.as_view(),
            name="commerce_purchase_receipt",
        ),
        path(
            "shop/clients/<id:pk>/memberships/<id:membership_id>/cancel/",
            staff_memberships.MembershipCancelView.as_view(),
            name="commerce_membership_cancel",
        ),
        path(
            "shop/clients/<id:pk>/memberships/<id:membership_id>/credits/",
            staff_memberships.MembershipCreditsAdjustView.as_view(),
            name="commerce_membership_adjust",
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


@hooks.register("register_client_account_tab")
def register_orders_tab():
    return ClientAccountTab(
        key="orders",
        label=_("Orders"),
        group="money",
        order=56,
        template_name="commerce/admin/orders_tab.html",
        get_context=orders_tab_context,
        is_shown=orders_tab_is_shown,
    )


@hooks.register("register_client_account_tab")
def register_memberships_tab():
    return ClientAccountTab(
        key="memberships",
        label=_("Memberships"),
        group="money",
        order=57,
        template_name="commerce/admin/memberships_tab.html",
        get_context=staff_memberships.tab_context,
        is_shown=staff_memberships.is_shown,
    )


@hooks.register("register_client_overview_panel")
def register_packages_overview_panel():
    return overview_panel(views.is_shown)
