"""django-q2 entry points: one task per clinic, so a broken connection only ever delays
its own clinic."""

from django.db import transaction
from django.utils import timezone


def queue_run(connection_id, trigger="schedule"):
    from django_q.tasks import async_task

    transaction.on_commit(
        lambda: async_task(
            "sync.tasks.run_connection", connection_id, trigger, task_name=f"sync-{connection_id}"
        )
    )


def run_connection(connection_id, trigger="schedule"):
    from sync.services.runner import connection_run

    run = connection_run(connection_id=connection_id, trigger=trigger)
    return run.pk if run else None


def queue_due(now=None):
    """The periodic task (every minute): queue a run for each connection that is due."""
    from sync.selectors import connections_due

    now = now or timezone.now()
    queued = 0
    for connection_id in connections_due(now):
        queue_run(connection_id)
        queued += 1
    return queued
