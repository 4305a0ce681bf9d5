from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    """The one place that sends anything."""

    name = "notifications"
    verbose_name = "Notifications"
