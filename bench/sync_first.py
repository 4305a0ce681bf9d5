"""``python -m bench.sync_first``: a practice's first sync on PostgreSQL.

A local practice system (``sync.fake_practice``, in this process on a loopback port)
holds ``--clients`` clients (default 20,000), 1.5 pets each and 5 appointments each;
a fresh clinic in its own database (``BENCH_PG_URL``, default
postgres://postgres@127.0.0.1:5432/portal_bench_sync, created and migrated on first use;
the clinic is made anew each time) is connected to it and runs are made, as the worker
would (each stops after its time budget and the next goes on), until nothing is left.
Then one incremental run with nothing to do, its queries counted. Prints the figures and
writes var/bench/sync_first.json. Target (issue 14): 20k/30k/100k in under 5 minutes,
memory bounded (the growth of the peak resident size during the sync is reported).
"""

import argparse
import datetime
import json
import os
import resource
import sys
import time
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
OUT_DIR = BASE_DIR / "var" / "bench"
DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/portal_bench_sync"


def log(message):
    print(message, file=sys.stderr, flush=True)


def practice_with(clients, stamp, pets_per_client=1.5, appointments_per_client=5):
    from sync.fake_practice import FakePractice

    practice = FakePractice(api_key="bench-key")
    start = datetime.datetime(2031, 1, 6, 8, tzinfo=datetime.UTC)
    pets = int(clients * pets_per_client)
    for n in range(clients):
        practice.put(
            "clients",
            {
                "id": f"c{n}",
                "email": f"client{n}-{stamp}@sync.bench",
                "first_name": f"Ann{n}",
                "last_name": "Bench",
                "phone": "",
            },
        )
    for n in range(pets):
        practice.put(
            "pets",
            {
                "id": f"p{n}",
                "owner_id": f"c{n % clients}",
                "name": f"Pet{n}",
                "species": "dog",
                "date_of_birth": "2020-01-01",
                "status": "active",
            },
        )
    for n in range(clients * appointments_per_client):
        begin = start + datetime.timedelta(minutes=30 * n)
        practice.put(
            "appointments",
            {
                "id": f"a{n}",
                "client_id": f"c{n % clients}",
                "pet_id": f"p{n % pets}",
                "resource_id": f"r{n % 10}",
                "start": begin.isoformat(),
                "end": (begin + datetime.timedelta(minutes=30)).isoformat(),
                "status": "booked",
            },
        )
    return practice


def _cpu_self():
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def _backend_pid(connection):
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        return cursor.fetchone()[0]


def _cpu_of(pid):
    """CPU seconds of a local process (utime + stime), or None if not readable."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def main():
    parser = argparse.ArgumentParser(prog="python -m bench.sync_first")
    parser.add_argument("--clients", type=int, default=20_000)
    args = parser.parse_args()
    url = os.environ.get("BENCH_PG_URL", DEFAULT_URL)
    os.environ["DATABASE_URL"] = url
    os.environ["DJANGO_SETTINGS_MODULE"] = os.environ.get("BENCH_SETTINGS", "cms.settings.dev")
    os.environ["DEBUG"] = "0"
    OUT_DIR.mkdir(parents=True, exist_ok=True)
    from bench.client_search import ensure_database

    ensure_database(url)
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection, reset_queries
    from django.test.utils import CaptureQueriesContext

    call_command("migrate", verbosity=0)
    call_command("createcachetable", verbosity=0)
    from branding.services import features_update
    from sync.fake_practice import handler_for
    from sync.models import ExternalAppointment
    from sync.services.connections import connection_save
    from sync.services.runner import connection_run
    from tests.factories.branding import ClinicFactory
    from tests.fixtures.local_servers import serving

    # A fresh clinic per run (its people under their own addresses): a first sync.
    stamp = int(time.time())
    slug = f"bench-sync-{stamp}"
    clinic = ClinicFactory(
        slug=slug, name=f"Sync Bench {stamp}", domain=f"{slug}.localhost", admin_groups=False
    )
    features_update(clinic=clinic, pets=True)
    load_before = os.getloadavg()
    log(f"Building the practice system: {args.clients:,} clients ...")
    practice = practice_with(args.clients, stamp)
    counts = {name: len(rows) for name, rows in practice.data.items()}
    with serving(handler_for(practice)) as server:
        host, port = server.server_address[:2]
        sync = connection_save(
            clinic=clinic,
            kind="rest",
            base_url=f"http://{host}:{port}",
            credentials={"api_key": "bench-key"},
        )
        # Memory: the process's peak resident size before the sync (Django, the
        # in-process practice system's data) and after it; the difference is what the
        # sync itself needed at its worst (tracemalloc would slow the run several times).
        rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        # CPU: this process's and its PostgreSQL backend's (from /proc when the server is
        # on this machine), a figure the machine's load does not inflate as it does time.
        # Counted run by run (a run may end its database connection); a run whose
        # backend could not be read is counted in ``backend_runs_unread``.
        cpu0, backend_cpu, backend_unread = _cpu_self(), 0.0, 0
        t0 = time.perf_counter()
        runs = 0
        while True:
            backend = _backend_pid(connection)
            before = _cpu_of(backend)
            run = connection_run(connection_id=sync.pk, trigger="bench")
            after = _cpu_of(backend)
            if before is None or after is None:
                backend_unread += 1
            else:
                backend_cpu += after - before
            runs += 1
            if run.error:
                raise SystemExit(f"run failed: {run.error}")
            log(f"  run {runs}: {run.pages} pages, {time.perf_counter() - t0:.0f}s")
            if run.counts.get("pushed") is not None:
                break
        first_s = time.perf_counter() - t0
        rss_peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        cpu_s = _cpu_self() - cpu0
        reset_queries()
        with CaptureQueriesContext(connection) as captured:
            t1 = time.perf_counter()
            connection_run(connection_id=sync.pk, trigger="bench")
            idle_s = time.perf_counter() - t1
    result = {
        "remote": counts,
        "clients": clinic.client_accounts.count(),
        "pets": clinic.pets.count(),
        "appointments": ExternalAppointment.objects.filter(clinic=clinic).count(),
        "first_sync_s": round(first_s, 1),
        "runs": runs,
        "sync_cpu_s": round(cpu_s, 1),
        "postgres_backend_cpu_s": round(backend_cpu, 1),
        "backend_runs_unread": backend_unread,
        "rss_before_mb": round(rss_before / 1024, 1),
        "rss_peak_mb": round(rss_peak / 1024, 1),
        "sync_rss_growth_mb": round((rss_peak - rss_before) / 1024, 1),
        "idle_run_queries": len(captured),
        "idle_run_s": round(idle_s, 3),
        "cpu_count": os.cpu_count(),
        "load_before": load_before,
        "load_after": os.getloadavg(),
    }
    (OUT_DIR / "sync_first.json").write_text(json.dumps(result, indent=2))
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
