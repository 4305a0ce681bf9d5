"""A run: pull each resource page by page since its cursor, merge pets, take out the
pets whose time has come, push what waits. One run per clinic at a time (the
connection row is claimed), each clinic in its own task.

- Resumable: a page's writes and its cursor commit in one transaction, so a worker
  killed mid-page leaves the cursor where the last committed page ended; the next run
  fetches that page again and, records being upserts, nothing is doubled or lost.
- Bounded: a run stops after ``TIME_BUDGET`` seconds (under the worker's timeout) and
  queues the next one at once; memory holds one page.
- A failing remote is retried with back-off inside the call (``connectors.base``);
  if it keeps failing the run fails and the connection waits ``backoff(failures)``
  before the next, which only ever delays that clinic.
"""

import datetime
import time

from django.db import transaction
from django.utils import timezone

from sync.connectors import connector_for
from sync.connectors.base import AuthError, RemoteError
from sync.models import RunStatus, SyncConnection, SyncCursor, SyncRun
from sync.services.apply import page_apply, pets_remove_due
from sync.services.pets import pets_merge_pass
from sync.services.push import push_pending

TIME_BUDGET = 45  # seconds; django-q2's task timeout is 60
CLAIM_TIMEOUT = datetime.timedelta(minutes=2)


def backoff(failures: int) -> datetime.timedelta:
    """1, 2, 4 … minutes after consecutive failed runs, at most an hour."""
    return datetime.timedelta(minutes=min(60, 2 ** max(0, failures - 1)))


class CursorMoved(Exception):
    """Another run advanced the cursor meanwhile: this one stops."""


def _claim(connection_id, now, trigger):
    with transaction.atomic():
        connection = (
            SyncConnection.objects.select_for_update()
            .select_related("clinic")
            .filter(pk=connection_id)
            .first()
        )
        if connection is None or not connection.enabled:
            return None, None
        if connection.running_since and now - connection.running_since < CLAIM_TIMEOUT:
            return None, None
        connection.running_since = now
        connection.save(update_fields=["running_since"])
        run = SyncRun.objects.create(connection=connection, trigger=trigger, started_at=now)
    return connection, run


def connection_run(*, connection_id, trigger="schedule", now=None, session=None, budget=None):
    """One run for one clinic. Returns the ``SyncRun`` (None when another run holds the
    connection or it is off). ``session``: a requests session (tests)."""
    now = now or timezone.now()
    connection, run = _claim(connection_id, now, trigger)
    if connection is None:
        return None
    connector = connector_for(connection, session=session)
    deadline = time.monotonic() + (TIME_BUDGET if budget is None else budget)
    more = False
    try:
        for resource in connector.resources():
            if _pull(connection, connector, resource, run, now, deadline):
                more = True
                break
        if not more:
            run.counts["merged"] = pets_merge_pass(clinic=connection.clinic, now=now)
            run.counts["removed"] = pets_remove_due(clinic=connection.clinic, now=now)
            run.counts["pushed"] = push_pending(connection=connection, connector=connector, now=now)
    except (RemoteError, AuthError, CursorMoved) as exc:
        _finish(connection, run, error=str(exc) or exc.__class__.__name__)
        return run
    except Exception as exc:
        # A bug or a database failure mid-page: that page rolled back with its cursor.
        _finish(connection, run, error=f"{exc.__class__.__name__}: {exc}")
        raise
    _finish(connection, run, more=more)
    if more:
        from sync.tasks import queue_run

        queue_run(connection.pk, trigger="continue")
    return run


def _pull(connection, connector, resource, run, now, deadline) -> bool:
    """Pull pages until the remote has no more. True: stopped at the time budget with
    more to fetch."""
    cursor_row, _ = SyncCursor.objects.get_or_create(connection=connection, resource=resource)
    counts = run.counts.setdefault(
        resource, {"created": 0, "updated": 0, "unchanged": 0, "errors": 0}
    )
    while True:
        page = connector.fetch(resource, cursor_row.cursor, connection.page_size)
        with transaction.atomic():
            row = SyncCursor.objects.select_for_update().get(pk=cursor_row.pk)
            if row.cursor != cursor_row.cursor:
                raise CursorMoved(f"{resource}: another run moved the cursor")
            page_counts = page_apply(
                connection=connection,
                resource=resource,
                items=page.items,
                parse=lambda item, resource=resource: connector.parse(resource, item),
                now=now,
            )
            if page.cursor != row.cursor:
                row.cursor = page.cursor
                row.save(update_fields=["cursor", "updated_at"])
        cursor_row = row
        run.pages += 1
        for key, value in page_counts.items():
            counts[key] += value
        if not page.more:
            return False
        if time.monotonic() > deadline:
            return True


def run_is_quiet(run) -> bool:
    """A scheduled run that succeeded and found nothing to create, update, push, merge,
    take out or report (``counts``: resource → numbers, or a number per pass)."""
    if run.trigger != "schedule" or run.status != RunStatus.SUCCEEDED:
        return False
    for value in run.counts.values():
        numbers = (
            [n for key, n in value.items() if key != "unchanged"]
            if isinstance(value, dict)
            else [value]
        )
        if any(numbers):
            return False
    return True


def _forget_previous_quiet_run(connection, run):
    """A clinic's page lists its recent runs; a run every minute that found nothing would
    push every run that did something off it. Of a streak of quiet runs only the newest
    is kept (it says when the practice system was last checked)."""
    previous = SyncRun.objects.filter(connection=connection).exclude(pk=run.pk).first()
    if previous is not None and run_is_quiet(previous):
        previous.delete()


def _finish(connection, run, *, error="", more=False):
    now = timezone.now()
    run.finished_at = now
    run.status = RunStatus.FAILED if error else RunStatus.SUCCEEDED
    run.error = error[:4000]
    run.save()
    if run_is_quiet(run):
        _forget_previous_quiet_run(connection, run)
    fields = {"running_since": None}
    if error:
        failures = connection.failures + 1
        fields.update(
            failures=failures, last_error=error[:4000], next_run_at=now + backoff(failures)
        )
    else:
        fields.update(
            failures=0,
            last_error="",
            next_run_at=now + datetime.timedelta(minutes=connection.interval_minutes),
        )
        if not more:
            fields["last_success_at"] = now
    SyncConnection.objects.filter(pk=connection.pk).update(**fields)
    for attr, value in fields.items():
        setattr(connection, attr, value)
