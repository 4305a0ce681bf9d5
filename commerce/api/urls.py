from django.urls import path

from commerce.api import installments, memberships, order_views, views

urlpatterns = [
    path("packages/plans", views.PlanListView.as_view(), name="package-plans"),
    path("packages/plans/<id:pk>/buy", views.PlanBuyView.as_view(), name="package-buy"),
    path(
        "packages/plans/<id:pk>/buy-in-installments",
        installments.InstallmentBuyView.as_view(),
        name="package-buy-installments",
    ),
    path("packages", views.PackageListView.as_view(), name="packages"),
    path("packages/options", views.PackageOptionsView.as_view(), name="package-options"),
    path("packages/<id:pk>/history", views.PackageHistoryView.as_view(), name="package-history"),
    path("gift-cards", views.GiftCardBuyView.as_view(), name="gift-card-buy"),
    path("gift-cards/bought", views.GiftCardsBoughtView.as_view(), name="gift-cards-bought"),
    path("gift-cards/lookup", views.GiftCardLookupView.as_view(), name="gift-card-lookup"),
    path("shop/products", order_views.ProductListView.as_view(), name="shop-products"),
    path("orders", order_views.OrderListView.as_view(), name="orders"),
    path("purchases", views.PurchaseListView.as_view(), name="purchases"),
    path("purchases/<id:pk>", views.PurchaseDetailView.as_view(), name="purchase"),
    path("purchases/<id:pk>/confirm", views.PurchaseConfirmView.as_view(), name="purchase-confirm"),
    path(
        "purchases/<id:pk>/receipt.pdf",
        views.PurchaseReceiptView.as_view(),
        name="purchase-receipt",
    ),
    path(
        "memberships/plans",
        memberships.MembershipPlanListView.as_view(),
        name="membership-plans",
    ),
    path(
        "memberships/plans/<id:pk>/join",
        memberships.MembershipJoinView.as_view(),
        name="membership-join",
    ),
    path("memberships", memberships.MembershipListView.as_view(), name="memberships"),
    path(
        "memberships/options",
        memberships.MembershipOptionsView.as_view(),
        name="membership-options",
    ),
    path(
        "memberships/<id:pk>/cancel",
        memberships.MembershipCancelView.as_view(),
        name="membership-cancel",
    ),
    path(
        "memberships/<id:pk>/card", memberships.MembershipCardView.as_view(), name="membership-card"
    ),
]
