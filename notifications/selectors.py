from notifications.models import Notification


def notifications_for_user(clinic, user):
    return Notification.objects.filter(clinic=clinic, user=user)


def unread_count(clinic, user) -> int:
    return Notification.objects.filter(clinic=clinic, user=user, read_at__isnull=True).count()
