"""Availability benchmark, project side: the engine alone and the HTTP endpoint.

``prepare_database`` runs before Django is set up (it only copies SQLite files); the rest
needs ``django.setup()`` with ``DATABASE_URL`` pointing at the bench database (see
``bench.__main__``).
"""

import contextlib
import datetime
import hashlib
import sqlite3
import sys
import time
import zoneinfo
from pathlib import Path

from django.db.models import Func, IntegerField

from bench import scenario
from bench.timing import measure, measure_interleaved

BASE_DIR = Path(__file__).resolve().parent.parent
CLINIC_SLUG = "benchclinic"
CLINIC_DOMAIN = "benchclinic.localhost"
SERVICE_KEY = "massage"


# --- database ----------------------------------------------------------------------


def migrations_key():
    """Changes whenever a migration or a locked dependency changes."""
    digest = hashlib.sha256()
    for path in sorted(BASE_DIR.glob("*/migrations/*.py")):
        digest.update(str(path.relative_to(BASE_DIR)).encode())
        digest.update(path.read_bytes())
    lock = BASE_DIR / "requirements" / "test.lock"
    if lock.exists():
        digest.update(lock.read_bytes())
    return digest.hexdigest()[:16]


def _sqlite_copy(src, dst):
    """Copy a SQLite database with the backup API (correct with WAL files around)."""
    for suffix in ("", "-wal", "-shm"):
        Path(f"{dst}{suffix}").unlink(missing_ok=True)
    source, target = sqlite3.connect(src), sqlite3.connect(dst)
    try:
        source.backup(target)
    finally:
        source.close()
        target.close()


def prepare_database(db_path, cache_dir, rebuild=False):
    """Put a migrated, empty database at ``db_path`` if a cached one matches the current
    migrations. Returns True when it did; False means: migrate after ``django.setup()``
    and then call ``save_migrated``."""
    template = Path(cache_dir) / f"migrated-{migrations_key()}.sqlite3"
    if template.exists() and not rebuild:
        _sqlite_copy(template, db_path)
        return True
    for suffix in ("", "-wal", "-shm"):
        Path(f"{db_path}{suffix}").unlink(missing_ok=True)
    return False


def migrate_and_cache(db_path, cache_dir):
    from django.core.management import call_command
    from django.db import connection

    call_command("migrate", interactive=False, verbosity=0)
    call_command("createcachetable", verbosity=0)
    connection.close()
    for old in Path(cache_dir).glob("migrated-*.sqlite3"):
        old.unlink()
    _sqlite_copy(db_path, Path(cache_dir) / f"migrated-{migrations_key()}.sqlite3")


def build_scenario(date_from):
    """The clinic, service, staff and 6,000 bookings (one transaction, bulk inserts)."""
    from django.db import transaction

    from booking_api.models import Booking, BookingSource, BookingStatus
    from branding.models import OpeningHours
    from branding.selectors import clinic_features, clinic_policy
    from tests.factories.booking import ServiceFactory, StaffFactory, main_location
    from tests.factories.branding import ClinicFactory
    from tests.factories.clients import ClientAccountFactory

    tz = zoneinfo.ZoneInfo(scenario.TIMEZONE)
    utc = datetime.UTC
    # Wagtail prints "Page created" on stdout: keep stdout for the results table.
    with transaction.atomic(), contextlib.redirect_stdout(sys.stderr):
        clinic = ClinicFactory(
            slug=CLINIC_SLUG, name="Bench Clinic", domain=CLINIC_DOMAIN, timezone=scenario.TIMEZONE
        )
        location = main_location(clinic)
        # Open 08:00–20:00 every day: the engine intersects work with opening hours.
        OpeningHours.objects.bulk_create(
            OpeningHours(
                location=location,
                weekday=day,
                start=datetime.time(8),
                end=datetime.time(20),
            )
            for day in range(7)
        )
        service = ServiceFactory(
            clinic=clinic,
            key=SERVICE_KEY,
            name="Massage",
            duration_minutes=scenario.DURATION_MINUTES,
            slot_step_minutes=scenario.STEP_MINUTES,
            buffer_before_minutes=0,
            buffer_after_minutes=scenario.BUFFER_AFTER_MINUTES,
        )
        work = [(scenario.WORK_START.strftime("%H:%M"), scenario.WORK_END.strftime("%H:%M"))]
        staff = [
            StaffFactory(
                clinic=clinic,
                key=f"staff{i:02d}",
                display_name=f"Therapist {i:02d}",
                services=[service],
                hours=dict.fromkeys(range(7), work),
            )
            for i in range(scenario.STAFF)
        ]
        client = ClientAccountFactory(clinic=clinic)
        buffer = datetime.timedelta(minutes=scenario.BUFFER_AFTER_MINUTES)
        rows = []
        for staff_index, day, start, end in scenario.local_bookings(date_from):
            start_utc = datetime.datetime.combine(day, start, tzinfo=tz).astimezone(utc)
            end_utc = datetime.datetime.combine(day, end, tzinfo=tz).astimezone(utc)
            rows.append(
                Booking(
                    clinic=clinic,
                    client=client,
                    service=service,
                    staff=staff[staff_index],
                    location=location,
                    start=start_utc,
                    end=end_utc,
                    blocked_start=start_utc,
                    blocked_end=end_utc + buffer,
                    status=BookingStatus.BOOKED,
                    price=service.price,
                    currency="GBP",
                    source=BookingSource.IMPORT,
                )
            )
        Booking.objects.bulk_create(rows, batch_size=1000)
        # A configured clinic has its settings rows; without them the first request
        # would create them (get_or_create) inside the measured code.
        clinic_policy(clinic)
        clinic_features(clinic)
    return {
        "clinic_id": clinic.pk,
        "service_id": service.pk,
        "staff_index": {member.pk: i for i, member in enumerate(staff)},
        "bookings": len(rows),
    }


# --- measuring -----------------------------------------------------------------------


class QueryCounter:
    """``connection.execute_wrapper`` that counts queries and the time spent in them."""

    def __init__(self):
        self.count = 0
        self.seconds = 0.0

    def __call__(self, execute, sql, params, many, context):
        self.count += 1
        t0 = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            self.seconds += time.perf_counter() - t0


def slot_keys_from_engine(slots, staff_index):
    tz = zoneinfo.ZoneInfo(scenario.TIMEZONE)
    keys = []
    for slot in slots:
        local = slot.start.astimezone(tz)
        for staff_id in slot.staff_ids:
            keys.append(scenario.slot_key(staff_index[staff_id], local.date(), local.time()))
    return sorted(keys)


def slot_keys_from_response(payload, staff_index):
    tz = zoneinfo.ZoneInfo(scenario.TIMEZONE)
    keys = []
    for slot in payload["slots"]:
        local = datetime.datetime.fromisoformat(slot["start"]).astimezone(tz)
        for staff_id in slot["staff"]:
            keys.append(scenario.slot_key(staff_index[staff_id], local.date(), local.time()))
    return sorted(keys)


def run(*, date_from, built, runs, warmup):
    """Time ``find_slots`` and ``GET /api/v1/availability`` for the whole window."""
    from django.db import connection
    from django.test import Client

    from booking_api.availability import find_slots
    from booking_api.models import Service
    from branding.models import Clinic

    date_to = date_from + datetime.timedelta(days=scenario.DAYS - 1)
    staff_index = built["staff_index"]

    def fresh_objects():
        # A new Clinic per call, as each request gets one: the policy cached on the
        # instance by clinic_policy() is then loaded inside find_slots every time.
        return (
            Clinic.objects.select_related("site").get(pk=built["clinic_id"]),
            Service.objects.get(pk=built["service_id"]),
        )

    def engine(objects):
        clinic, service = objects
        return find_slots(clinic=clinic, service=service, date_from=date_from, date_to=date_to)

    client = Client(HTTP_HOST=CLINIC_DOMAIN)
    params = {
        "service": str(built["service_id"]),
        "staff": "any",
        "from": date_from.isoformat(),
        "to": date_to.isoformat(),
    }

    def endpoint():
        response = client.get("/api/v1/availability", params)
        if response.status_code != 200:
            raise RuntimeError(
                f"GET /api/v1/availability answered {response.status_code}: "
                f"{response.content[:500]!r}"
            )
        return response

    timings = measure_interleaved(
        {"engine": (engine, fresh_objects), "endpoint": (endpoint, None)},
        runs=runs,
        warmup=warmup,
    )

    # One more call of each, untimed, to count the queries of a warm call and to check
    # that both give the same slots.
    counter = QueryCounter()
    objects = fresh_objects()
    with connection.execute_wrapper(counter):
        slots = engine(objects)
    engine_keys = slot_keys_from_engine(slots, staff_index)
    engine_result = {
        **timings["engine"],
        "queries": counter.count,
        "sql_execute_ms": round(counter.seconds * 1000, 2),
        "slots": len(slots),
        "staff_slots": len(engine_keys),
    }
    counter = QueryCounter()
    with connection.execute_wrapper(counter):
        response = endpoint()
    payload = response.json()
    endpoint_keys = slot_keys_from_response(payload, staff_index)
    endpoint_result = {
        **timings["endpoint"],
        "queries": counter.count,
        "sql_execute_ms": round(counter.seconds * 1000, 2),
        "slots": len(payload["slots"]),
        "response_bytes": len(response.content),
        "same_slots_as_engine": endpoint_keys == engine_keys,
    }
    return {"engine": engine_result, "endpoint": endpoint_result, "slot_keys": engine_keys}


class Epoch(Func):
    """Seconds since the epoch of a datetime column, computed by the database (so no
    Python datetime is built): the conversion suggested for the engine's bookings query."""

    output_field = IntegerField()
    # "%%%%" becomes "%%" in Func.as_sql, then "%" in the SQLite cursor wrapper.
    template = "CAST(strftime('%%%%s', %(expressions)s) AS INTEGER)"

    def as_postgresql(self, compiler, connection, **extra):
        return self.as_sql(
            compiler, connection, template="EXTRACT(EPOCH FROM %(expressions)s)::bigint", **extra
        )


def profile_engine(*, date_from, built, repeat=10, out_path=None):
    """cProfile over ``repeat`` engine calls, plus a split of where the time goes."""
    import cProfile
    import io
    import pstats

    from django.db import connection

    from booking_api.availability import find_slots
    from booking_api.models import BLOCKING_STATUSES, Booking, Service
    from branding.models import Clinic

    date_to = date_from + datetime.timedelta(days=scenario.DAYS - 1)
    service = Service.objects.get(pk=built["service_id"])
    clinics = [Clinic.objects.get(pk=built["clinic_id"]) for _ in range(repeat)]
    profiler = cProfile.Profile()
    profiler.enable()
    for clinic in clinics:
        find_slots(clinic=clinic, service=service, date_from=date_from, date_to=date_to)
    profiler.disable()
    text = io.StringIO()
    stats = pstats.Stats(profiler, stream=text).strip_dirs()
    text.write(f"cProfile over {repeat} find_slots calls (times are totals)\n")
    stats.sort_stats("tottime").print_stats(18)
    stats.sort_stats("cumulative").print_stats(25)

    # The engine's bookings fetch, measured alone and then in cheaper forms:
    # - orm_as_engine: what find_slots does (ORM values_list ordered by Meta.ordering;
    #   sqlite3 parses each text datetime, the ORM makes it aware, then .timestamp());
    # - sql_text / sql_text_unordered: the same SQL on a plain sqlite3 connection, rows as
    #   text, nothing converted (the floor for the query itself), with and without ORDER BY;
    # - orm_epoch_unordered / orm_epoch_index_order: the ORM asking SQLite for epoch
    #   seconds (``Epoch`` below), without ORDER BY or in the (staff, blocked_start)
    #   index's order: drop-in replacements for the engine's query.
    utc = datetime.UTC
    window_start = datetime.datetime.combine(date_from, datetime.time(0), tzinfo=utc)
    window_end = datetime.datetime.combine(date_to, datetime.time(23, 59), tzinfo=utc)
    bookings = Booking.objects.filter(
        staff_id__in=list(built["staff_index"]),
        status__in=BLOCKING_STATUSES,
        blocked_start__lt=window_end,
        blocked_end__gt=window_start,
    )
    as_engine = bookings.values_list("staff_id", "blocked_start", "blocked_end")

    def orm_as_engine():
        return [(s, int(a.timestamp()), int(b.timestamp())) for s, a, b in as_engine.all()]

    epoch = bookings.order_by().values_list(
        "staff_id", Epoch("blocked_start"), Epoch("blocked_end")
    )

    def orm_epoch_unordered():
        return list(epoch.all())

    epoch_index_order = epoch.order_by("staff_id", "blocked_start")

    def orm_epoch_index_order():
        return list(epoch_index_order.all())

    if sorted(orm_epoch_unordered()) != sorted(orm_as_engine()):
        raise RuntimeError("epoch seconds from SQL differ from the ORM's")

    plain = sqlite3.connect(connection.settings_dict["NAME"])
    sql, params = as_engine.query.sql_with_params()
    sql_unordered, params_unordered = (
        bookings.order_by().values_list("staff_id", "blocked_start", "blocked_end")
    ).query.sql_with_params()

    def sql_text():
        return plain.execute(sql.replace("%s", "?"), params).fetchall()

    def sql_text_unordered():
        return plain.execute(sql_unordered.replace("%s", "?"), params_unordered).fetchall()

    def engine_without_bookings(clinic):
        # Every other query and the whole slot loop, with no bookings to load or cut.
        find_slots(
            clinic=clinic,
            service=service,
            date_from=date_from,
            date_to=date_to,
            ignore_bookings=True,
        )

    split = {
        "bookings_rows": len(sql_text()),
        "engine_without_bookings": measure(
            engine_without_bookings,
            runs=20,
            warmup=2,
            setup=lambda: Clinic.objects.get(pk=built["clinic_id"]),
        ),
    }
    for name, fn in [
        ("orm_as_engine", orm_as_engine),
        ("sql_text", sql_text),
        ("sql_text_unordered", sql_text_unordered),
        ("orm_epoch_unordered", orm_epoch_unordered),
        ("orm_epoch_index_order", orm_epoch_index_order),
    ]:
        split[name] = measure(fn, runs=20, warmup=2)
    plain.close()
    report = text.getvalue()
    if out_path:
        Path(out_path).write_text(report)
    return split, report
