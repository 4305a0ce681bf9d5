from django.urls import path

from loyalty.api import games, referrals, rewards, views, wallet

urlpatterns = [
    path("loyalty", views.LoyaltySummaryView.as_view(), name="loyalty"),
    path("loyalty/history", views.LoyaltyHistoryView.as_view(), name="loyalty-history"),
    path("loyalty/tier", rewards.TierView.as_view(), name="loyalty-tier"),
    path("loyalty/rewards", rewards.RewardListView.as_view(), name="loyalty-rewards"),
    path(
        "loyalty/rewards/<id:reward_id>/redeem",
        rewards.RedeemView.as_view(),
        name="loyalty-redeem",
    ),
    path("loyalty/vouchers", rewards.VoucherListView.as_view(), name="loyalty-vouchers"),
    path("loyalty/requests", rewards.RewardRequestView.as_view(), name="loyalty-requests"),
    path("loyalty/referrals", referrals.ReferralsView.as_view(), name="loyalty-referrals"),
    path("games", games.GameListView.as_view(), name="games"),
    path("games/plays", games.MyPlaysView.as_view(), name="game-plays"),
    path("games/<id:game_id>/play", games.GamePlayView.as_view(), name="game-play"),
    path("wallet", wallet.WalletView.as_view(), name="wallet"),
    path("wallet/membership.pkpass", wallet.ApplePassView.as_view(), name="wallet-apple-pass"),
]
