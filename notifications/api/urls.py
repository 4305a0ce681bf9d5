from django.urls import path

from notifications.api.views import NotificationListView, NotificationMarkReadView

urlpatterns = [
    path("notifications", NotificationListView.as_view(), name="notification-list"),
    path("notifications/read", NotificationMarkReadView.as_view(), name="notification-read"),
]
