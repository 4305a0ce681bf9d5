from django.db.models import Count, IntegerField, OuterRef, Prefetch, Subquery
from django.db.models.fields.json import KeyTransform
from django.db.models.functions import Coalesce

from notifications.models import Delivery, Notification, Preferences


def notifications_for_user(clinic, user):
    """The person's notification centre (not the records of account emails)."""
    return Notification.objects.filter(clinic=clinic, user=user, in_centre=True)


def unread_count(clinic, user) -> int:
    return notifications_for_user(clinic, user).filter(read_at__isnull=True).count()


def latest_notifications(clinic, user, *, limit) -> tuple[list, int]:
    """The newest ``limit`` notifications and how many are unread in all, in one query
    (the count rides along on each row)."""
    unread = (
        Notification.objects.filter(
            clinic=clinic, user=OuterRef("user"), read_at__isnull=True, in_centre=True
        )
        .values("user")
        .annotate(total=Count("id"))
        .values("total")
    )
    rows = list(
        notifications_for_user(clinic, user)
        .annotate(unread_total=Coalesce(Subquery(unread, output_field=IntegerField()), 0))
        .order_by("-created_at")[:limit]
    )
    return rows, (rows[0].unread_total if rows else 0)


def notified_since(*, key_prefix, since) -> bool:
    """Whether something was told under a key starting with ``key_prefix`` since then."""
    return Notification.objects.filter(
        idempotency_key__startswith=key_prefix, created_at__gte=since
    ).exists()


def preferences_read(clinic, user):
    """The person's communication preferences at ``clinic`` — the defaults (unsaved)
    while they have never changed one: reading writes nothing."""
    found = Preferences.objects.filter(clinic=clinic, user=user).first()
    return found or Preferences(clinic=clinic, user=user)


def communication_log(clinic, user):
    """Everything told to ``user`` at ``clinic``, newest first, each with its
    ``deliveries`` (channel, status, when sent) prefetched: the staff's communication
    log. Two queries a page."""
    return (
        Notification.objects.filter(clinic=clinic, user=user)
        .only("clinic_id", "user_id", "kind", "category", "title", "created_at", "in_centre")
        .prefetch_related(
            Prefetch(
                "deliveries",
                # Not ``extra`` itself (an email's attachments live there): only which
                # way a push went.
                queryset=Delivery.objects.only(
                    "notification_id", "channel", "status", "sent_at", "attempts"
                )
                .annotate(
                    app_pushed=KeyTransform("app_devices_pushed", "extra"),
                    web_pushed=KeyTransform("web_pushed", "extra"),
                )
                .order_by("channel"),
            )
        )
        .order_by("-created_at", "-id")
    )
