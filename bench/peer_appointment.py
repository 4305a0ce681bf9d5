"""The peer: the same scenario in django-appointment 3.12.0, timed the same way.

Runs inside var/bench-peer-venv (``python -m bench.peer_appointment --out FILE ...`` from
the repository root), never in the project's environment: it imports only Django, the
peer package and the plain-Python ``bench.scenario``/``bench.timing``. Writes its
results as JSON to ``--out`` (the package logs to stdout, so stdout is not the channel).

How the scenario maps onto the peer's models (see bench/README.md):
- Service(duration=30 min); StaffMember × 20 with ``services_offered``, ``slot_duration``
  = 15 (the slot step), ``slot_gap_time`` = 10, ``appointment_buffer_time`` = 0;
  WorkingHours 09:00–17:00 for all seven days; Config with the same values.
- Each booking is an AppointmentRequest (date, start_time, end_time, staff) plus its
  Appointment; the peer stores naive local wall-clock times.
- The peer has no "buffer after": its ``slot_gap_time`` is a rest time required on both
  sides of an appointment. For one service with no buffer before, a 10-minute gap
  excludes exactly the starts that a 10-minute buffer after excludes in our engine
  (new [s, s+30) clashes with booking [b, b+30) iff b < s+40 and s < b+40), so the
  slots are the same; with a buffer before, or mixed services, they would differ.
- The peer has no "any staff" query over a date range: its public helper
  ``appointment.services.get_available_slots_for_staff(date, staff, weekday, service)``
  answers one staff member on one day (it is what its slot AJAX view calls). One run
  here is: list the staff who perform the service, then call it for 20 staff × 30 days.
"""

import argparse
import datetime
import gc
import json
import os
import sys
import tempfile
import time


def build(date_from):
    from appointment.models import (
        Appointment,
        AppointmentRequest,
        Config,
        Service,
        StaffMember,
        WorkingHours,
    )
    from django.contrib.auth import get_user_model

    from bench import scenario

    User = get_user_model()
    Config(
        slot_duration=scenario.STEP_MINUTES,
        lead_time=scenario.WORK_START,
        finish_time=scenario.WORK_END,
        appointment_buffer_time=0,
        slot_gap_time=scenario.BUFFER_AFTER_MINUTES,
        default_to_service_duration=True,
    ).save()
    service = Service.objects.create(
        name="Massage",
        duration=datetime.timedelta(minutes=scenario.DURATION_MINUTES),
        price=45,
    )
    staff = []
    for i in range(scenario.STAFF):
        user = User.objects.create(
            username=f"staff{i:02d}", first_name="Therapist", last_name=str(i)
        )
        member = StaffMember.objects.create(
            user=user,
            slot_duration=scenario.STEP_MINUTES,
            slot_gap_time=scenario.BUFFER_AFTER_MINUTES,
            appointment_buffer_time=0,
            work_on_saturday=True,
            work_on_sunday=True,
        )
        member.services_offered.add(service)
        staff.append(member)
    WorkingHours.objects.bulk_create(
        WorkingHours(
            staff_member=member,
            day_of_week=day,
            start_time=scenario.WORK_START,
            end_time=scenario.WORK_END,
        )
        for member in staff
        for day in range(7)
    )
    client = User.objects.create(username="client", email="client@example.com")
    requests = AppointmentRequest.objects.bulk_create(
        [
            AppointmentRequest(
                date=day,
                start_time=start,
                end_time=end,
                service=service,
                staff_member=staff[staff_index],
                id_request=f"bench{n}",
            )
            for n, (staff_index, day, start, end) in enumerate(scenario.local_bookings(date_from))
        ],
        batch_size=500,
    )
    Appointment.objects.bulk_create(
        [
            Appointment(
                client=client,
                appointment_request=request,
                phone="",
                amount_to_pay=45,
                id_request=request.id_request,
            )
            for request in requests
        ],
        batch_size=500,
    )
    return service


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--out", required=True)
    parser.add_argument("--date-from", required=True)
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--budget", type=float, default=60.0, help="seconds for timed runs")
    parser.add_argument("--min-runs", type=int, default=3)
    args = parser.parse_args()

    tmp = tempfile.TemporaryDirectory(prefix="bench-peer-")
    os.environ["BENCH_PEER_DB"] = os.path.join(tmp.name, "peer.sqlite3")
    os.environ["DJANGO_SETTINGS_MODULE"] = "bench.peer_settings"
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection, transaction

    from bench import scenario
    from bench.timing import summarise

    date_from = datetime.date.fromisoformat(args.date_from)
    days = scenario.dates(date_from)
    t0 = time.perf_counter()
    # The package ships no migrations: its tables come from --run-syncdb.
    call_command("migrate", run_syncdb=True, interactive=False, verbosity=0)
    with transaction.atomic():
        build(date_from)
    build_s = time.perf_counter() - t0

    from appointment.models import Appointment, Service, StaffMember
    from appointment.services import get_available_slots_for_staff
    from appointment.utils.db_helpers import get_weekday_num_from_date

    service = Service.objects.get()
    index = {m.pk: int(m.user.username[5:]) for m in StaffMember.objects.select_related("user")}

    def availability():
        found = {}
        for member in StaffMember.objects.filter(services_offered=service):
            for day in days:
                slots = get_available_slots_for_staff(
                    day, member, get_weekday_num_from_date(day), service=service
                )
                if slots:
                    found[(member.pk, day)] = slots
        return found

    # The first call also counts the queries (CaptureQueriesContext keeps only the last
    # 9,000, too few here); the counting wrapper costs ~1 µs a query, so the call is kept
    # as a sample too: one peer run takes 10-30 s, and the benchmark has a time budget.
    counter = QueryCounter()
    gc.collect()
    t0 = time.perf_counter()
    with connection.execute_wrapper(counter):
        found = availability()
    samples = [time.perf_counter() - t0]
    while len(samples) < args.runs and (len(samples) < args.min_runs or sum(samples) < args.budget):
        gc.collect()
        t0 = time.perf_counter()
        availability()
        samples.append(time.perf_counter() - t0)
    keys = sorted(
        scenario.slot_key(index[pk], day, slot.time())
        for (pk, day), slots in found.items()
        for slot in slots
    )
    timing = summarise(samples)
    result = {
        "package": "django-appointment",
        "version": _version("django-appointment"),
        "django": django.get_version(),
        "python": sys.version.split()[0],
        "function": "appointment.services.get_available_slots_for_staff",
        "calls_per_run": scenario.STAFF * scenario.DAYS,
        "bookings": Appointment.objects.count(),
        "build_s": round(build_s, 2),
        "queries": counter.count,
        "slots": len(keys),
        "slot_keys": keys,
        **timing,
    }
    with open(args.out, "w") as fh:
        json.dump(result, fh)
    connection.close()
    tmp.cleanup()


class QueryCounter:
    def __init__(self):
        self.count = 0

    def __call__(self, execute, sql, params, many, context):
        self.count += 1
        return execute(sql, params, many, context)


def _version(name):
    from importlib.metadata import version

    return version(name)


if __name__ == "__main__":
    main()
