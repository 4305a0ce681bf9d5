"""The outbox: each delivery is sent at most once, survives a dead worker and a failing
channel, and is queued as a django-q2 task after commit."""

import pytest
from django.core import mail
from django.utils import timezone
from django_q.brokers import get_broker
from django_q.conf import Conf
from django_q.signing import SignedPackage

from notifications import channels as channel_registry
from notifications import tasks
from notifications.models import Delivery, DeliveryStatus, Notification
from notifications.services import (
    CLAIM_TIMEOUT,
    MAX_ATTEMPTS,
    PENDING_GRACE,
    RETRY_DELAY,
    Category,
    Channel,
    deliveries_requeue,
    delivery_send,
    notify,
)

pytestmark = pytest.mark.django_db


def _planned(clinic, user, key="reminder-1"):
    """A notification whose email delivery is planned but not yet sent (as right after
    the commit, before the worker picks the task up)."""
    notification = notify(
        clinic=clinic,
        user=user,
        kind="test",
        category=Category.REMINDER,
        title="See you tomorrow",
        body="Your appointment is tomorrow at 10:00.",
        idempotency_key=key,
        channels=[Channel.EMAIL],  # just the email delivery, whatever else is registered
    )
    return Delivery.objects.get(notification=notification, channel=Channel.EMAIL)


def test_the_delivery_task_run_twice_sends_once(clinic, patient):
    delivery = _planned(clinic, patient.user)
    tasks.send_delivery(delivery.pk)
    tasks.send_delivery(delivery.pk)
    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.SENT
    assert delivery.attempts == 1
    assert len(mail.outbox) == 1


def test_a_live_claim_is_left_alone(clinic, patient):
    delivery = _planned(clinic, patient.user)
    Delivery.objects.filter(pk=delivery.pk).update(
        status=DeliveryStatus.SENDING, claimed_at=timezone.now(), attempts=1
    )
    assert delivery_send(delivery_id=delivery.pk) is None
    assert mail.outbox == []


def test_a_claim_by_a_worker_that_died_is_retried_and_sent_once(clinic, patient):
    delivery = _planned(clinic, patient.user)
    # A worker claimed it and died before sending: the claim is older than the timeout.
    stale = timezone.now() - CLAIM_TIMEOUT - timezone.timedelta(seconds=1)
    Delivery.objects.filter(pk=delivery.pk).update(
        status=DeliveryStatus.SENDING, claimed_at=stale, attempts=1
    )
    tasks.send_delivery(delivery.pk)
    tasks.send_delivery(delivery.pk)
    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.SENT
    assert delivery.attempts == 2
    assert len(mail.outbox) == 1


def test_a_failing_channel_marks_the_delivery_failed_and_a_rerun_sends(
    clinic, patient, monkeypatch
):
    delivery = _planned(clinic, patient.user)

    def broken(delivery):
        raise ConnectionRefusedError("SMTP server unreachable")

    monkeypatch.setitem(channel_registry.CHANNELS, Channel.EMAIL, broken)
    with pytest.raises(ConnectionRefusedError):
        tasks.send_delivery(delivery.pk)
    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.FAILED
    assert delivery.error == "ConnectionRefusedError: SMTP server unreachable"
    assert delivery.sent_at is None
    assert mail.outbox == []

    monkeypatch.undo()
    tasks.send_delivery(delivery.pk)
    tasks.send_delivery(delivery.pk)
    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.SENT
    assert delivery.error == ""
    assert delivery.attempts == 2
    assert len(mail.outbox) == 1


def test_sweeper_requeues_lost_stuck_and_failed_deliveries_only(clinic, patient, monkeypatch):
    now = timezone.now()
    sent = _planned(clinic, patient.user, key="sent")
    delivery_send(delivery_id=sent.pk)
    fresh_pending = _planned(clinic, patient.user, key="fresh")
    lost = _planned(clinic, patient.user, key="lost")
    Notification.objects.filter(pk=lost.notification_id).update(
        created_at=now - PENDING_GRACE - timezone.timedelta(seconds=1)
    )
    live = _planned(clinic, patient.user, key="live")
    Delivery.objects.filter(pk=live.pk).update(status=DeliveryStatus.SENDING, claimed_at=now)
    dead = _planned(clinic, patient.user, key="dead")
    Delivery.objects.filter(pk=dead.pk).update(
        status=DeliveryStatus.SENDING, claimed_at=now - CLAIM_TIMEOUT * 2
    )
    failed = _planned(clinic, patient.user, key="failed")
    Delivery.objects.filter(pk=failed.pk).update(
        status=DeliveryStatus.FAILED, claimed_at=now - RETRY_DELAY * 2, attempts=1
    )
    gave_up = _planned(clinic, patient.user, key="gave-up")
    Delivery.objects.filter(pk=gave_up.pk).update(
        status=DeliveryStatus.FAILED, claimed_at=now - RETRY_DELAY * 2, attempts=MAX_ATTEMPTS
    )

    queued = []
    monkeypatch.setattr("notifications.services._queue_send", queued.append)
    assert deliveries_requeue(now=now) == sorted([lost.pk, dead.pk, failed.pk])
    assert queued == sorted([lost.pk, dead.pk, failed.pk])
    assert fresh_pending.pk not in queued

    # Running the sweeper's work twice still sends each once.
    mail.outbox.clear()
    for delivery_id in queued * 2:
        delivery_send(delivery_id=delivery_id)
    assert len(mail.outbox) == 3


def test_the_sweeper_is_scheduled():
    from django_q.models import Schedule

    schedule = Schedule.objects.get(func="notifications.tasks.requeue_deliveries")
    assert schedule.schedule_type == Schedule.MINUTES
    assert schedule.repeats < 0


def test_async_mode_queues_send_delivery_after_commit_and_running_it_sends(
    clinic, patient, monkeypatch, django_capture_on_commit_callbacks
):
    """django-q2 as deployed (not sync): notify puts notifications.tasks.send_delivery
    on the broker after the commit; a worker running that task sends the email."""
    if not Conf.ORM:
        pytest.skip("The broker is Redis (REDIS_URL set); this test reads the ORM broker.")
    monkeypatch.setattr(Conf, "SYNC", False)
    broker = get_broker()
    broker.purge_queue()

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        delivery = _planned(clinic, patient.user)
    assert broker.queue_size() == 0  # nothing queued before the commit
    for callback in callbacks:
        callback()
    assert broker.queue_size() == 1
    assert mail.outbox == []  # queued, not run

    [(_, payload)] = broker.dequeue()
    task = SignedPackage.loads(payload)
    assert task["func"] == "notifications.tasks.send_delivery"
    assert task["args"] == (delivery.pk,)

    # What the worker does with it: import the function and call it.
    from django.utils.module_loading import import_string

    import_string(task["func"])(*task["args"], **task["kwargs"])
    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.SENT
    assert len(mail.outbox) == 1
