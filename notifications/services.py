"""The one place that tells a person something.

``notify`` records the message (which is also the in-app notification), plans one
delivery per channel the person accepts for that category, and queues the sending after
the transaction commits. Sending is idempotent: each delivery is claimed, sent, then
marked, so a task that runs twice sends once.
"""

import datetime

from django.db import transaction
from django.utils import timezone

from notifications.models import Category, Channel, Delivery, DeliveryStatus, Notification
from notifications.models import Preferences as _Preferences

# How long a claimed delivery is left alone before a retry may take it over (longer than
# the worker's task timeout, so a live attempt is never doubled).
CLAIM_TIMEOUT = datetime.timedelta(minutes=5)

__all__ = [
    "Category",
    "Channel",
    "notify",
    "delivery_send",
    "notifications_mark_read",
    "preferences_update",
]


def _channels_for(prefs, category, user):
    """The channels a person accepts for a category. Account messages always go by email."""
    wanted = {
        Category.ACCOUNT: {Channel.EMAIL: True},
        Category.BOOKING: {Channel.EMAIL: prefs.booking_email, Channel.PUSH: prefs.push},
        Category.REMINDER: {
            Channel.EMAIL: prefs.reminder_email,
            Channel.SMS: prefs.reminder_sms,
            Channel.PUSH: prefs.push,
        },
        Category.MESSAGE: {Channel.EMAIL: prefs.message_email, Channel.PUSH: prefs.push},
        Category.MARKETING: {
            Channel.EMAIL: prefs.marketing_email,
            Channel.SMS: prefs.marketing_sms,
            Channel.PUSH: prefs.push,
        },
    }[category]
    return [channel for channel, on in wanted.items() if on]


def preferences_for(clinic, user):
    prefs, _ = _Preferences.objects.get_or_create(clinic=clinic, user=user)
    return prefs


@transaction.atomic
def notify(
    *, clinic, user, kind, category, title, body, idempotency_key, url="", channels=None
) -> Notification:
    """Tell ``user`` something. ``channels`` narrows the channels (e.g. SMS only for a
    reminder); preferences always apply. Returns the notification, existing if the key
    was used before (nothing is sent twice)."""
    from notifications.channels import CHANNELS

    existing = Notification.objects.filter(idempotency_key=idempotency_key).first()
    if existing:
        return existing
    notification = Notification.objects.create(
        clinic=clinic,
        user=user,
        kind=kind,
        category=category,
        title=title,
        body=body,
        url=url,
        idempotency_key=idempotency_key,
    )
    accepted = _channels_for(preferences_for(clinic, user), category, user)
    if channels is not None:
        accepted = [c for c in accepted if c in channels]
    deliveries = [
        Delivery.objects.create(notification=notification, channel=c)
        for c in accepted
        if c in CHANNELS
    ]
    for delivery in deliveries:
        transaction.on_commit(lambda pk=delivery.pk: _queue_send(pk))
    return notification


def _queue_send(delivery_id):
    from django_q.tasks import async_task

    async_task(
        "notifications.tasks.send_delivery", delivery_id, task_name=f"delivery-{delivery_id}"
    )


def _claim(delivery_id):
    """Take the delivery for sending, or None if it is sent or being sent."""
    now = timezone.now()
    with transaction.atomic():
        delivery = (
            Delivery.objects.select_for_update()
            .select_related("notification__clinic__site", "notification__user")
            .filter(pk=delivery_id)
            .first()
        )
        if delivery is None or delivery.status == DeliveryStatus.SENT:
            return None
        if (
            delivery.status == DeliveryStatus.SENDING
            and delivery.claimed_at
            and now - delivery.claimed_at < CLAIM_TIMEOUT
        ):
            return None
        delivery.status = DeliveryStatus.SENDING
        delivery.claimed_at = now
        delivery.attempts += 1
        delivery.save(update_fields=["status", "claimed_at", "attempts"])
        return delivery


def delivery_send(*, delivery_id) -> Delivery | None:
    """Send one delivery if nobody has. Safe to call any number of times."""
    from notifications.channels import CHANNELS

    delivery = _claim(delivery_id)
    if delivery is None:
        return None
    try:
        CHANNELS[delivery.channel](delivery)
    except Exception as exc:  # a channel's failure is recorded, and retried by the queue
        Delivery.objects.filter(pk=delivery.pk).update(
            status=DeliveryStatus.FAILED, error=f"{type(exc).__name__}: {exc}"
        )
        raise
    Delivery.objects.filter(pk=delivery.pk).update(
        status=DeliveryStatus.SENT, sent_at=timezone.now(), error=""
    )
    delivery.refresh_from_db()
    return delivery


@transaction.atomic
def notifications_mark_read(*, clinic, user, ids=None) -> int:
    """Mark the person's own notifications read (all, or the given ids)."""
    qs = Notification.objects.filter(clinic=clinic, user=user, read_at__isnull=True)
    if ids is not None:
        qs = qs.filter(pk__in=ids)
    return qs.update(read_at=timezone.now())


@transaction.atomic
def preferences_update(*, clinic, user, **changes) -> _Preferences:
    prefs = preferences_for(clinic, user)
    fields = {f.name for f in _Preferences._meta.get_fields()} - {"id", "clinic", "user"}
    for name, value in changes.items():
        if name not in fields:
            from branding.errors import DomainError

            raise DomainError(f"Unknown preference {name!r}.", field=name)
        setattr(prefs, name, bool(value))
    prefs.save()
    return prefs
