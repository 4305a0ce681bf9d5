"""The one place that tells a person something.

``notify`` records the message (which is also the in-app notification), plans one
delivery per channel the person accepts for that category, and queues the sending after
the transaction commits. Sending is idempotent: each delivery is claimed, sent, then
marked, so a task that runs twice sends once.
"""

import base64
import datetime
import uuid

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext

from notifications import events
from notifications.errors import NotificationErrorCode
from notifications.models import Category, Channel, Delivery, DeliveryStatus, Notification
from notifications.models import Preferences as _Preferences
from notifications.push import push_reachable

# How long a claimed delivery is left alone before a retry may take it over (longer than
# the worker's task timeout, so a live attempt is never doubled).
CLAIM_TIMEOUT = datetime.timedelta(minutes=5)
# A failed delivery is tried again after this long, up to MAX_ATTEMPTS times in all.
RETRY_DELAY = datetime.timedelta(minutes=5)
MAX_ATTEMPTS = 5
# A delivery still pending after this long lost its queued task (say the process died
# between the commit and the enqueue); the sweeper queues it again.
PENDING_GRACE = datetime.timedelta(minutes=2)

__all__ = [
    "Category",
    "Channel",
    "notify",
    "delivery_send",
    "deliveries_requeue",
    "notifications_mark_read",
    "preferences_update",
    "channels_accepted",
]


def _channels_for(prefs, category, user):
    """The channels a person accepts for a category. Account messages always go by email;
    nothing else goes once they unsubscribed from all (``Preferences.wants``)."""
    wanted = {
        Category.ACCOUNT: {Channel.EMAIL: True},
        Category.BOOKING: {
            Channel.EMAIL: prefs.wants("booking_email"),
            Channel.PUSH: prefs.wants("push"),
        },
        Category.REMINDER: {
            Channel.EMAIL: prefs.wants("reminder_email"),
            Channel.SMS: prefs.wants("reminder_sms"),
            Channel.PUSH: prefs.wants("push"),
        },
        Category.MESSAGE: {
            Channel.EMAIL: prefs.wants("message_email"),
            Channel.PUSH: prefs.wants("push"),
        },
        Category.MARKETING: {
            Channel.EMAIL: prefs.wants("marketing_email"),
            Channel.SMS: prefs.wants("marketing_sms"),
            Channel.PUSH: prefs.wants("push"),
        },
    }[category]
    return [channel for channel, on in wanted.items() if on]


def channels_accepted(*, clinic, user, category, phone="") -> list[str]:
    """The channels ``notify`` would plan for this person and category now: their
    preferences, a subscribed browser or registered phone for push, a number for SMS,
    registered channels only. Callers that send by one channel of their choosing pick from these."""
    from notifications.channels import CHANNELS

    accepted = _channels_for(preferences_for(clinic, user), category, user)
    if Channel.PUSH in accepted and not push_reachable(clinic, user):
        accepted.remove(Channel.PUSH)
    if Channel.SMS in accepted and not (phone or "").strip():
        accepted.remove(Channel.SMS)
    if Channel.EMAIL in accepted and not user.email:
        accepted.remove(Channel.EMAIL)  # a client known by phone only (a walk-in)
    return [c for c in accepted if c in CHANNELS]


def preferences_for(clinic, user):
    prefs, _ = _Preferences.objects.get_or_create(clinic=clinic, user=user)
    return prefs


@transaction.atomic
def notify(
    *,
    clinic,
    user,
    kind,
    category,
    title,
    body,
    idempotency_key,
    url="",
    channels=None,
    attachments=None,
    phone="",
    email_to="",
    object_id="",
) -> Notification:
    """Tell ``user`` something. ``channels`` narrows the channels (e.g. SMS only for a
    reminder); preferences always apply. Returns the notification, existing if the key
    was used before (nothing is sent twice). ``attachments``: ``(filename, content,
    mimetype)`` files for the email, stored on its delivery so a retry sends the same.
    ``phone``: the person's mobile number (E.164) for SMS, given by the caller, who knows
    the person's account; notifications keeps no contact book of its own. ``email_to``:
    send the email to this address instead of ``user``'s, on ``user``'s behalf (a gift
    card its buyer sends to someone who may have no account). ``object_id``: what it is
    about (a booking's id), which an app's push routes to with ``kind`` and ``url``."""
    from notifications.channels import CHANNELS

    existing = Notification.objects.filter(idempotency_key=idempotency_key).first()
    if existing:
        return existing
    try:
        with transaction.atomic():  # a savepoint: a concurrent twin may win the key
            notification = Notification.objects.create(
                clinic=clinic,
                user=user,
                kind=kind,
                category=category,
                title=title,
                body=body,
                url=url,
                object_id=str(object_id or ""),
                idempotency_key=idempotency_key,
            )
    except IntegrityError:
        return Notification.objects.get(idempotency_key=idempotency_key)
    accepted = _channels_for(preferences_for(clinic, user), category, user)
    if channels is not None:
        accepted = [c for c in accepted if c in channels]
    if Channel.PUSH in accepted and not push_reachable(clinic, user):
        accepted.remove(Channel.PUSH)  # no browser or phone registered here
    if Channel.EMAIL in accepted and not (user.email or (email_to or "").strip()):
        accepted.remove(Channel.EMAIL)  # a client known by phone only: no email to send
    extra = {
        Channel.EMAIL: {
            **({"attachments": _stored_attachments(attachments)} if attachments else {}),
            **({"to": email_to.strip()} if email_to else {}),
        },
        Channel.SMS: {"to": (phone or "").strip()},
    }
    deliveries = [
        Delivery.objects.create(notification=notification, channel=c, extra=extra.get(c, {}))
        for c in accepted
        if c in CHANNELS
    ]
    for delivery in deliveries:
        transaction.on_commit(lambda pk=delivery.pk: _queue_send(pk))
    return notification


def sent_elsewhere_record(
    *, clinic, user, kind, category, channel, title, status=DeliveryStatus.SENT, error=""
) -> Notification:
    """Record something sent to ``user`` outside the outbox (allauth's account emails:
    sign-in codes, confirmations, password resets) so the staff's communication log is
    whole. ``title`` is the subject as staff may read it — never a code or a link. Kept
    out of the person's notification centre; nothing is sent."""
    now = timezone.now()
    with transaction.atomic():
        notification = Notification.objects.create(
            clinic=clinic,
            user=user,
            kind=kind,
            category=category,
            title=title[:200],
            body="",
            idempotency_key=f"elsewhere:{kind}:{uuid.uuid4().hex}",
            read_at=now,
            in_centre=False,
        )
        Delivery.objects.create(
            notification=notification,
            channel=channel,
            status=status,
            attempts=1,
            sent_at=now if status == DeliveryStatus.SENT else None,
            error=error[:500],
        )
    return notification


def _stored_attachments(attachments):
    """Attachments as JSON for ``Delivery.extra`` (content base64-encoded)."""
    stored = []
    for filename, content, mimetype in attachments:
        data = content.encode() if isinstance(content, str) else bytes(content)
        stored.append(
            {
                "filename": filename,
                "mimetype": mimetype,
                "content": base64.b64encode(data).decode("ascii"),
            }
        )
    return stored


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
    except Exception as exc:  # recorded; ``deliveries_requeue`` tries it again later
        Delivery.objects.filter(pk=delivery.pk).update(
            status=DeliveryStatus.FAILED, error=f"{type(exc).__name__}: {exc}"
        )
        raise
    Delivery.objects.filter(pk=delivery.pk).update(
        status=DeliveryStatus.SENT, sent_at=timezone.now(), error=""
    )
    delivery.refresh_from_db()
    return delivery


def deliveries_requeue(*, now=None) -> list[int]:
    """The outbox sweeper (a scheduled task): queue again every delivery that should
    have been sent by now — pending ones whose task was lost, ones claimed by a worker
    that died (claim older than CLAIM_TIMEOUT), and failed ones due for another try.
    Sending stays once-only: ``delivery_send`` claims before it sends."""
    now = now or timezone.now()
    due = Delivery.objects.filter(
        Q(status=DeliveryStatus.PENDING, notification__created_at__lt=now - PENDING_GRACE)
        | Q(status=DeliveryStatus.SENDING, claimed_at__lt=now - CLAIM_TIMEOUT)
        | Q(
            status=DeliveryStatus.FAILED,
            attempts__lt=MAX_ATTEMPTS,
            claimed_at__lt=now - RETRY_DELAY,
        )
    )
    ids = list(due.order_by("pk").values_list("pk", flat=True)[:500])
    for delivery_id in ids:
        _queue_send(delivery_id)
    return ids


@transaction.atomic
def notifications_mark_read(*, clinic, user, ids=None) -> int:
    """Mark the person's own notifications read (all, or the given ids)."""
    qs = Notification.objects.filter(clinic=clinic, user=user, read_at__isnull=True, in_centre=True)
    if ids is not None:
        qs = qs.filter(pk__in=ids)
    return qs.update(read_at=timezone.now())


@transaction.atomic
def preferences_update(*, clinic, user, source="", **changes) -> _Preferences:
    """Change a person's switches. ``source`` names the door (portal, api, staff, link,
    sms): when offers go on or off, ``events.marketing_changed`` tells the apps that
    keep consent, after the commit. ``source=None``: the caller records it itself."""
    prefs = preferences_for(clinic, user)
    # The switches only: the language is no switch (``notifications.language``).
    fields = {f.name for f in _Preferences._meta.get_fields()} - {
        "id",
        "clinic",
        "user",
        "language",
    }
    before = {name: prefs.wants(name) for name in events.MARKETING_SWITCHES}
    for name in changes:
        if name not in fields:
            from branding.errors import DomainError

            raise DomainError(
                gettext("Unknown preference %(name)r.") % {"name": name},
                field=name,
                code=NotificationErrorCode.UNKNOWN_PREFERENCE,
            )
    # The rule: while "unsubscribe from all" is on (as this change leaves it), the
    # per-type switches keep their saved values — they are frozen, not editable (the
    # portal disables them, and a disabled switch is not even sent). Changes to them
    # count only in the same change that switches "unsubscribe from all" off.
    all_off = bool(changes.get("unsubscribed_all", prefs.unsubscribed_all))
    for name, value in changes.items():
        if all_off and name != "unsubscribed_all":
            continue
        setattr(prefs, name, bool(value))
    prefs.save()
    after = {name: prefs.wants(name) for name in events.MARKETING_SWITCHES}
    if source is not None and any(before.values()) != any(after.values()):
        transaction.on_commit(
            lambda: events.marketing_changed.send(
                sender=_Preferences,
                clinic=clinic,
                user=user,
                before=before,
                after=after,
                source=source or "staff",
            )
        )
    return prefs
