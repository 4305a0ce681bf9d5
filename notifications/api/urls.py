from django.urls import path

from notifications.api.views import (
    AppDevicesView,
    AppDeviceView,
    NotificationListView,
    NotificationMarkReadView,
)

urlpatterns = [
    path("notifications", NotificationListView.as_view(), name="notification-list"),
    path("notifications/read", NotificationMarkReadView.as_view(), name="notification-read"),
    path("push/devices", AppDevicesView.as_view(), name="push-devices"),
    path("push/devices/<id:device_id>", AppDeviceView.as_view(), name="push-device"),
]
