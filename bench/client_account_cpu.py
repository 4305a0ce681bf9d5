"""``python -m bench.client_account_cpu [--runs 20]``: the client account page on
PostgreSQL (the database and clinic ``bench.client_account`` builds) timed with what the
machine's load inflates least: besides wall median and min, the CPU time of this Python
process and of its PostgreSQL backend per page (``/proc/<pg_backend_pid()>/stat``),
``gc.collect()`` before each call and outside the timing. For the Overview,
``?tab=notes`` (the least a tab page costs) and ``?tab=balance``. One JSON line on
stdout, so two checkouts can be run alternately and compared (see bench/README.md)."""

import argparse
import gc
import json
import os
import statistics
import sys
import time
from pathlib import Path

from bench.client_account import BOOKINGS, CLIENTS, DEFAULT_PG_URL, build, domain

PAGES = (("overview", {}), ("notes", {"tab": "notes"}), ("balance", {"tab": "balance"}))


def main():
    parser = argparse.ArgumentParser(prog="python -m bench.client_account_cpu")
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--warmup", type=int, default=3)
    args = parser.parse_args()
    os.environ["DATABASE_URL"] = os.environ.get("BENCH_PG_URL", DEFAULT_PG_URL)
    os.environ["DJANGO_SETTINGS_MODULE"] = os.environ.get("BENCH_SETTINGS", "cms.settings.dev")
    os.environ["DEBUG"] = os.environ.get("BENCH_DEBUG", "0")
    import django

    django.setup()
    from django.conf import settings
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    clinic, manager, subject, _built = build(CLIENTS, BOOKINGS)
    host = domain(CLIENTS, BOOKINGS)
    settings.ALLOWED_HOSTS.append(host)
    browser = Client(HTTP_HOST=host)
    browser.force_login(manager)
    url = f"/admin/clinic/clients/{subject.pk}/"
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        backend = cursor.fetchone()[0]
    tick = os.sysconf("SC_CLK_TCK")

    def backend_cpu():
        stat = Path(f"/proc/{backend}/stat").read_text()
        fields = stat.rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / tick  # utime + stime

    out = {"loadavg": round(os.getloadavg()[0], 2), "checkout": os.getcwd()}
    for label, params in PAGES:

        def page(params=params):
            assert browser.get(url, params).status_code == 200

        for _ in range(args.warmup):
            page()
        walls, python_cpu, pg_cpu = [], 0.0, 0.0
        for _ in range(args.runs):
            gc.collect()
            cpu0, pg0, wall0 = time.process_time(), backend_cpu(), time.perf_counter()
            page()
            walls.append((time.perf_counter() - wall0) * 1000)
            python_cpu += time.process_time() - cpu0
            pg_cpu += backend_cpu() - pg0
        with CaptureQueriesContext(connection) as queries:
            page()
        out[label] = {
            "median_ms": round(statistics.median(walls), 1),
            "min_ms": round(min(walls), 1),
            "python_cpu_ms": round(python_cpu / args.runs * 1000, 1),
            "pg_cpu_ms": round(pg_cpu / args.runs * 1000, 1),
            "queries": len(queries),
        }
    print(json.dumps(out))


if __name__ == "__main__":
    sys.exit(main())
