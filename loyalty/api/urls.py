from django.urls import path

from loyalty.api import views

urlpatterns = [
    path("loyalty", views.LoyaltySummaryView.as_view(), name="loyalty"),
    path("loyalty/history", views.LoyaltyHistoryView.as_view(), name="loyalty-history"),
]
