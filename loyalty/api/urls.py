from django.urls import path

from loyalty.api import referrals, rewards, views

urlpatterns = [
    path("loyalty", views.LoyaltySummaryView.as_view(), name="loyalty"),
    path("loyalty/history", views.LoyaltyHistoryView.as_view(), name="loyalty-history"),
    path("loyalty/tier", rewards.TierView.as_view(), name="loyalty-tier"),
    path("loyalty/rewards", rewards.RewardListView.as_view(), name="loyalty-rewards"),
    path(
        "loyalty/rewards/<int:reward_id>/redeem",
        rewards.RedeemView.as_view(),
        name="loyalty-redeem",
    ),
    path("loyalty/vouchers", rewards.VoucherListView.as_view(), name="loyalty-vouchers"),
    path("loyalty/requests", rewards.RewardRequestView.as_view(), name="loyalty-requests"),
    path("loyalty/referrals", referrals.ReferralsView.as_view(), name="loyalty-referrals"),
]
