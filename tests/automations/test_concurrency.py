"""Two workers send nudges of two automations to the same patient at the same moment:
the weekly cap (here 1) holds, because the client's row is locked while the cap is
counted (PostgreSQL; SQLite serialises writers with BEGIN IMMEDIATE). The test makes the
race certain: each worker, having counted, waits for the other before it writes — with
the lock the other is still queued, so the wait times out and the writes follow one
another. Each worker has its own thread and database connection."""

import contextlib
import datetime
import threading

import pytest
from django.db import connections

from automations import services as automation_services
from automations.models import AutomationSettings, Nudge
from automations.services import automation_run
from notifications.models import Notification
from tests.fixtures.automations import NOON, make_automation, opted_in_patient, visit

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def test_concurrent_workers_keep_the_weekly_cap(clinic, botox, nurse, settings, monkeypatch):
    AutomationSettings.objects.create(clinic=clinic, weekly_cap=1)
    first = make_automation(clinic, name="First")
    second = make_automation(clinic, name="Second")
    patient = opted_in_patient(clinic)
    visit(clinic, patient, botox, nurse, NOON - datetime.timedelta(weeks=12, days=1))

    counted = threading.Barrier(2)
    real_count = automation_services.nudges_sent_since

    def count_then_wait(*args, **kwargs):
        result = real_count(*args, **kwargs)
        # Both counted before either writes, unless the lock keeps the other out.
        with contextlib.suppress(threading.BrokenBarrierError):
            counted.wait(timeout=3)
        return result

    monkeypatch.setattr(automation_services, "nudges_sent_since", count_then_wait)
    start = threading.Barrier(2)
    errors = []

    def worker(automation):
        try:
            start.wait()
            automation_run(automation=automation, now=NOON)
        except Exception as error:  # shown in the assert
            errors.append(repr(error))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=worker, args=(a,)) for a in (first, second)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)

    assert errors == []
    assert Nudge.objects.filter(client=patient).count() == 1
    assert Notification.objects.filter(user=patient.user).count() == 1
