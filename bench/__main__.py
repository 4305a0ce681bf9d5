"""``make bench`` / ``python -m bench``: the availability and dashboard benchmarks.

Builds the scenario of bench/scenario.py in a SQLite database of its own
(var/bench/bench.sqlite3, copied from a cached migrated database when the migrations have
not changed), times ``find_slots`` and ``GET /api/v1/availability``, then the same
scenario in django-appointment (its own venv, a subprocess), prints a table and writes
var/bench/availability.json. See bench/README.md.
"""

import argparse
import datetime
import json
import os
import platform
import sys
import time
import zoneinfo
from pathlib import Path

from bench import scenario

BASE_DIR = Path(__file__).resolve().parent.parent
OUT_DIR = BASE_DIR / "var" / "bench"
ENGINE_TARGET_MS = 20
ENDPOINT_TARGET_MS = 150


def parse_args():
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=30, help="timed runs (default 30)")
    parser.add_argument("--warmup", type=int, default=3, help="untimed runs first (default 3)")
    parser.add_argument("--skip-peer", action="store_true", help="skip django-appointment")
    parser.add_argument(
        "--peer-budget", type=float, default=60.0, help="seconds for the peer's timed runs"
    )
    parser.add_argument(
        "--profile",
        choices=["auto", "always", "never"],
        default="auto",
        help="profile the engine (auto: when slower than the target)",
    )
    parser.add_argument("--rebuild-db", action="store_true", help="ignore the cached migrations")
    parser.add_argument(
        "--only",
        choices=["all", "availability", "dashboard"],
        default="all",
        help="run one benchmark (default: both)",
    )
    return parser.parse_args()


def log(message):
    print(message, file=sys.stderr, flush=True)


def main():
    args = parse_args()
    started = time.perf_counter()
    OUT_DIR.mkdir(parents=True, exist_ok=True)
    db_path = OUT_DIR / "bench.sqlite3"
    # Never the developer's database: a file of our own, whatever DATABASE_URL says.
    os.environ["DATABASE_URL"] = f"sqlite:///{db_path}"
    os.environ["DJANGO_SETTINGS_MODULE"] = os.environ.get("BENCH_SETTINGS", "cms.settings.dev")
    # Measure as production runs: no DEBUG query log (BENCH_DEBUG=1 to override).
    os.environ["DEBUG"] = os.environ.get("BENCH_DEBUG", "0")
    load_before = os.getloadavg()

    from bench import availability

    if not args.skip_peer:
        from bench import peer

        peer.ensure_venv(log=log)

    t0 = time.perf_counter()
    cached = availability.prepare_database(db_path, OUT_DIR, rebuild=args.rebuild_db)
    import django

    django.setup()
    if not cached:
        log("Migrating a fresh bench database (cached for next time) ...")
        availability.migrate_and_cache(db_path, OUT_DIR)
    migrate_s = time.perf_counter() - t0

    if args.only in ("all", "dashboard"):
        run_dashboard(args)
    if args.only == "dashboard":
        return

    date_from = datetime.datetime.now(zoneinfo.ZoneInfo(scenario.TIMEZONE)).date()
    date_from += datetime.timedelta(days=1)
    date_to = date_from + datetime.timedelta(days=scenario.DAYS - 1)
    t0 = time.perf_counter()
    built = availability.build_scenario(date_from)
    build_s = time.perf_counter() - t0
    log(f"Scenario built in {build_s:.1f} s ({built['bookings']} bookings); measuring ...")

    measured = availability.run(
        date_from=date_from, built=built, runs=args.runs, warmup=args.warmup
    )
    engine, endpoint = measured["engine"], measured["endpoint"]

    profile = None
    slow = engine["median_ms"] > ENGINE_TARGET_MS
    if args.profile == "always" or (args.profile == "auto" and slow):
        log("Profiling the engine ...")
        split, report = availability.profile_engine(
            date_from=date_from, built=built, out_path=OUT_DIR / "engine-profile.txt"
        )
        profile = {"file": "var/bench/engine-profile.txt", **split}
        cheaper = min(
            split["orm_epoch_unordered"]["median_ms"], split["orm_epoch_index_order"]["median_ms"]
        )
        # Both parts measured in the same minute, so the estimate is self-consistent.
        profile["estimated_engine_ms_with_epoch_query"] = round(
            split["engine_without_bookings"]["median_ms"] + cheaper, 1
        )

    peer_result = None
    if not args.skip_peer:
        log("Running the peer (django-appointment) in its own environment ...")
        peer_result = peer.run_peer(date_from=date_from, runs=args.runs, budget_s=args.peer_budget)
        peer_keys = peer_result.pop("slot_keys")
        peer_result["same_slots_as_engine"] = peer_keys == measured["slot_keys"]

    result = {
        "scenario": {
            "clinic_timezone": scenario.TIMEZONE,
            "staff": scenario.STAFF,
            "days": scenario.DAYS,
            "from": date_from.isoformat(),
            "to": date_to.isoformat(),
            "bookings": built["bookings"],
            "service": {
                "duration_minutes": scenario.DURATION_MINUTES,
                "step_minutes": scenario.STEP_MINUTES,
                "buffer_after_minutes": scenario.BUFFER_AFTER_MINUTES,
            },
            "hours": f"{scenario.WORK_START:%H:%M}-{scenario.WORK_END:%H:%M} every day",
        },
        "engine": engine,
        "endpoint": endpoint,
        "peer": peer_result,
        "ratios": {},
        "targets": {
            "engine_ms": ENGINE_TARGET_MS,
            "engine_ok": engine["median_ms"] < ENGINE_TARGET_MS,
            "endpoint_ms": ENDPOINT_TARGET_MS,
            "endpoint_ok": endpoint["median_ms"] < ENDPOINT_TARGET_MS,
        },
        "profile": profile,
        "environment": {
            "python": platform.python_version(),
            "django": django.get_version(),
            "sqlite": __import__("sqlite3").sqlite_version,
            "settings": os.environ["DJANGO_SETTINGS_MODULE"],
            "debug": os.environ["DEBUG"],
            "cpus": os.cpu_count(),
            "loadavg_before": [round(x, 2) for x in load_before],
            "loadavg_after": [round(x, 2) for x in os.getloadavg()],
            "migrated_db_cached": cached,
            "migrate_s": round(migrate_s, 2),
            "build_s": round(build_s, 2),
        },
        "measured_at": datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"),
    }
    if peer_result:
        result["ratios"] = {
            "peer_over_engine": round(peer_result["median_ms"] / engine["median_ms"], 1),
            "peer_over_endpoint": round(peer_result["median_ms"] / endpoint["median_ms"], 1),
        }
    result["environment"]["wall_s"] = round(time.perf_counter() - started, 1)
    out = OUT_DIR / "availability.json"
    out.write_text(json.dumps(result, indent=2) + "\n")
    print(table(result, args.runs))
    print(f"\nWritten to {out.relative_to(BASE_DIR)}")
    if profile:
        print(profile_summary(profile, engine["median_ms"]))


def run_dashboard(args):
    from bench import dashboard

    log(
        f"Building the dashboard scenario ({dashboard.PAST_BOOKINGS:,} past bookings, "
        f"{dashboard.LEDGER_ENTRIES} ledger entries) ..."
    )
    built = dashboard.build()
    result = dashboard.run(built=built, runs=args.runs, warmup=args.warmup)
    result["measured_at"] = datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds")
    result["loadavg"] = [round(x, 2) for x in os.getloadavg()]
    out = OUT_DIR / "dashboard.json"
    out.write_text(json.dumps(result, indent=2) + "\n")
    print(dashboard.table(result))
    print(f"Written to {out.relative_to(BASE_DIR)}\n")


def table(result, runs):
    sc, engine, endpoint, peer = (
        result["scenario"],
        result["engine"],
        result["endpoint"],
        result["peer"],
    )
    lines = [
        f"Availability: {sc['staff']} staff x {sc['days']} days ({sc['from']}..{sc['to']}), "
        f"{sc['bookings']:,} bookings, 'any' staff",
        "",
        f"{'':28}{'median':>11}{'min':>11}{'p90':>11}{'runs':>6}{'queries':>9}",
    ]

    def row(name, r):
        lines.append(
            f"{name:28}{r['median_ms']:>8.1f} ms{r['min_ms']:>8.1f} ms{r['p90_ms']:>8.1f} ms"
            f"{r['runs']:>6}{r['queries']:>9,}"
        )

    row("engine (find_slots)", engine)
    row("GET /api/v1/availability", endpoint)
    if peer:
        row(f"peer django-appointment {peer['version']}", peer)
    lines.append("")
    t = result["targets"]
    lines.append(
        f"targets: engine < {t['engine_ms']} ms: {'OK' if t['engine_ok'] else 'MISSED'}; "
        f"endpoint < {t['endpoint_ms']} ms: {'OK' if t['endpoint_ok'] else 'MISSED'}"
    )
    if peer:
        ratios = result["ratios"]
        lines.append(
            f"peer / engine: x{ratios['peer_over_engine']:,} faster "
            f"(peer / endpoint: x{ratios['peer_over_endpoint']:,})"
        )
    same = [f"endpoint {'same' if endpoint['same_slots_as_engine'] else 'DIFFERENT'}"]
    if peer:
        same.append(f"peer {'same' if peer['same_slots_as_engine'] else 'DIFFERENT'}")
    lines.append(
        f"slots: engine {engine['staff_slots']} (staff, start) pairs in {engine['slots']} "
        f"slots; {', '.join(same)}"
    )
    lines.append(
        f"SQL execute time in one call: engine {engine['sql_execute_ms']:.1f} ms, endpoint "
        f"{endpoint['sql_execute_ms']:.1f} ms (fetching rows not included); load average "
        "before/after "
        f"{result['environment']['loadavg_before'][0]}/"
        f"{result['environment']['loadavg_after'][0]} on {result['environment']['cpus']} CPUs"
    )
    if peer:
        lines.append(
            f"peer: {peer['calls_per_run']} calls of {peer['function']} per run "
            "(one staff member, one day each; no 'any staff' range query); "
            "buffer after -> slot_gap_time"
        )
    return "\n".join(lines)


def profile_summary(profile, engine_ms):
    now_ms = profile["engine_without_bookings"]["median_ms"] + profile["orm_as_engine"]["median_ms"]
    rows = [
        ("engine_without_bookings", "find_slots(ignore_bookings=True): all but the bookings"),
        ("orm_as_engine", "bookings fetch as the engine does it (ORM, aware datetimes)"),
        ("sql_text", "  same SQL on plain sqlite3, rows left as text"),
        ("sql_text_unordered", "  same without ORDER BY start"),
        ("orm_epoch_unordered", "  ORM, epoch seconds computed in SQL (Epoch), no ORDER BY"),
        ("orm_epoch_index_order", "  same, ORDER BY staff_id, blocked_start (index order)"),
    ]
    lines = [
        f"\nEngine profile (cProfile output: {profile['file']}); "
        f"{profile['bookings_rows']:,} booking rows",
        f"{'':62}{'median':>9}{'min':>9}",
    ]
    for key, label in rows:
        r = profile[key]
        lines.append(f"{label:62}{r['median_ms']:>6.1f} ms{r['min_ms']:>6.1f} ms")
    lines.append(
        "Estimated engine with the Epoch query (all but the bookings + Epoch fetch): "
        f"{profile['estimated_engine_ms_with_epoch_query']:.1f} ms; fetch as now + rest: "
        f"{now_ms:.1f} ms (engine measured {engine_ms:.1f} ms). Suggestions: bench/README.md."
    )
    return "\n".join(lines)


if __name__ == "__main__":
    main()
