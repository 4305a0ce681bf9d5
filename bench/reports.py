"""``python -m bench.reports``: every Revenue impact report page, with 200,000 bookings
and 100,000 payments in one clinic.

The clinic (Europe/London, 40 staff working 09:00–17:00 on weekdays, 10 services, two
locations, 20,000 clients) has two years of history ending today: bookings from every
door, mostly completed, some cancelled (late and in time), no-shows with fees, 100,000
succeeded payments (captured amounts), 5,000 refunds (partial and full), a loyalty ledger
of 40,000 entries, vouchers, referrals and game plays. Built once with bulk inserts and
kept (``--rebuild`` to start again).

Measured: ``GET /admin/revenue-impact/<report>/`` as a signed-in manager (the whole
request: middleware, admin menus, the report's grouped queries, charts and tables), for
the default period (the last four weeks against the four before) and for the last year
(against the year before). Median of ``--runs`` after ``--warmup``; the query count of
one more call. Written to var/bench/reports-<database>.json.

``--database sqlite`` (default): var/bench/reports.sqlite3, never the developer's.
``--database postgres``: ``BENCH_PG_URL`` (default
postgres://postgres@127.0.0.1:5432/portal_bench_reports), created on first use.
"""

import argparse
import datetime
import json
import os
import platform
import random
import sys
import time
import zoneinfo
from pathlib import Path

from bench.timing import measure

BASE_DIR = Path(__file__).resolve().parent.parent
OUT_DIR = BASE_DIR / "var" / "bench"
DEFAULT_PG_URL = "postgres://postgres@127.0.0.1:5432/portal_bench_reports"
CLINIC_SLUG = "bench-reports"
CLINIC_DOMAIN = "reports.bench.localhost"
MANAGER_EMAIL = "manager@reports.bench.localhost"
BOOKINGS = 200_000
PAYMENTS = 100_000
REFUNDS = 5_000
CLIENTS = 20_000
STAFF = 40
SERVICES = 10
DAYS = 730
TARGET_MS = 300
REPORTS = ("revenue", "bookings", "retention", "attendance", "utilisation", "loyalty", "nudges")


def parse_args():
    parser = argparse.ArgumentParser(prog="python -m bench.reports")
    parser.add_argument("--database", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument("--runs", type=int, default=10)
    parser.add_argument("--warmup", type=int, default=2)
    parser.add_argument("--rebuild", action="store_true")
    return parser.parse_args()


def log(message):
    print(message, file=sys.stderr, flush=True)


def build(rebuild):
    from django.contrib.auth import get_user_model
    from django.db import connection, transaction
    from django.db.models import F, OuterRef, Subquery

    from booking_api.models import Booking, BookingEvent, Service, StaffMember, WorkingHours
    from branding.models import Clinic, Location
    from loyalty.models import GamePlay, LedgerEntry, LoyaltyAccount, Referral
    from loyalty.services import programme_upsert
    from payments.models import Payment, Refund
    from people.models import ClientAccount
    from people.services import membership_grant
    from tests.factories.branding import ClinicFactory
    from tests.factories.games import make_game

    User = get_user_model()
    clinic = Clinic.objects.filter(slug=CLINIC_SLUG).first()
    if clinic is None:
        clinic = ClinicFactory(slug=CLINIC_SLUG, name="Reports Bench", domain=CLINIC_DOMAIN)
    manager = User.objects.filter(email=MANAGER_EMAIL).first() or User.objects.create_user(
        email=MANAGER_EMAIL
    )
    membership_grant(clinic=clinic, user=manager, role="manager")
    if Booking.objects.filter(clinic=clinic).count() == BOOKINGS and not rebuild:
        return clinic, manager
    log("Building the history (once; kept for next time) ...")
    rng = random.Random(42)
    tz = zoneinfo.ZoneInfo(clinic.timezone)
    today = datetime.datetime.now(tz).date()
    with transaction.atomic():
        for model in (GamePlay, Referral):
            model.objects.filter(clinic=clinic).delete()
        with connection.cursor() as cursor:  # the ledger refuses deletes through the ORM
            cursor.execute("DELETE FROM loyalty_ledgerentry WHERE clinic_id = %s", [clinic.pk])
        Refund.objects.filter(payment__clinic=clinic).delete()
        Payment.objects.filter(clinic=clinic).delete()
        BookingEvent.objects.filter(booking__clinic=clinic).delete()
        Booking.objects.filter(clinic=clinic).delete()
        LoyaltyAccount.objects.filter(clinic=clinic).delete()
        ClientAccount.objects.filter(clinic=clinic).delete()
        User.objects.filter(email__endswith="@reports.bench").delete()
        StaffMember.objects.filter(clinic=clinic).delete()
        Service.objects.filter(clinic=clinic).delete()

        main = Location.objects.get_or_create(
            clinic=clinic, key="main", defaults={"name": "Main", "is_main": True}
        )[0]
        annex = Location.objects.get_or_create(
            clinic=clinic, key="annex", defaults={"name": "Annex"}
        )[0]
        services = [
            Service.objects.create(
                clinic=clinic,
                key=f"s{n}",
                name=f"Service {n}",
                duration_minutes=30 + 10 * (n % 4),
                price=3000 + 1000 * n,
            )
            for n in range(SERVICES)
        ]
        staff = [
            StaffMember.objects.create(
                clinic=clinic, key=f"t{n}", display_name=f"Therapist {n:02d}"
            )
            for n in range(STAFF)
        ]
        WorkingHours.objects.bulk_create(
            WorkingHours(
                staff=s,
                weekday=d,
                start=datetime.time(9),
                end=datetime.time(17),
                location=main if i % 2 else annex,
            )
            for i, s in enumerate(staff)
            for d in range(5)
        )
        User.objects.bulk_create(
            [
                User(email=f"c{n}@reports.bench", first_name="Client", last_name=str(n))
                for n in range(CLIENTS)
            ],
            batch_size=5000,
        )
        users = list(
            User.objects.filter(email__endswith="@reports.bench").values_list("pk", flat=True)
        )
        ClientAccount.objects.bulk_create(
            [ClientAccount(clinic=clinic, user_id=u, search_text=f"client {u}") for u in users],
            batch_size=5000,
        )
        clients = list(ClientAccount.objects.filter(clinic=clinic).values_list("pk", flat=True))

        statuses = ["completed"] * 80 + ["cancelled"] * 7 + ["no_show"] * 4 + ["booked"] * 9
        sources = ["portal"] * 45 + ["app"] * 25 + ["staff"] * 30
        rows = []
        for n in range(BOOKINGS):
            # One booking per (staff member, day, hour): the database refuses overlaps on
            # PostgreSQL (40 staff × 730 days × 8 hours leaves room for 233,600).
            rest = n // STAFF
            day = today - datetime.timedelta(days=rest % DAYS)
            hour = 9 + (rest // DAYS) % 8
            start = datetime.datetime.combine(day, datetime.time(hour), tzinfo=tz)
            service = services[rng.randrange(SERVICES)]
            end = start + datetime.timedelta(minutes=service.duration_minutes)
            status = rng.choice(statuses) if day < today else "booked"
            rows.append(
                Booking(
                    clinic=clinic,
                    client_id=clients[rng.randrange(CLIENTS)],
                    service=service,
                    staff=staff[n % STAFF],
                    location=main if n % 3 else annex,
                    start=start,
                    end=end,
                    blocked_start=start,
                    blocked_end=end,
                    status=status,
                    price=service.price,
                    currency=clinic.currency,
                    source=rng.choice(sources),
                )
            )
        Booking.objects.bulk_create(rows, batch_size=5000)
        # Made a week before the appointment (auto_now_add wrote "now").
        Booking.objects.filter(clinic=clinic).update(
            created_at=F("start") - datetime.timedelta(days=7)
        )
        log("  bookings written")
        ids = list(
            Booking.objects.filter(clinic=clinic).values_list("pk", "status", "price", "start")
        )
        events = []
        for pk, status, price, _start in ids:
            if status == "cancelled":
                late = rng.random() < 0.4
                events.append(
                    BookingEvent(
                        booking_id=pk,
                        kind="status",
                        to_status="cancelled",
                        fee=price // 2 if late else 0,
                        data={"quote": {"free": not late}},
                    )
                )
            elif status == "no_show":
                events.append(
                    BookingEvent(
                        booking_id=pk, kind="status", to_status="no_show", fee=price // 2, data={}
                    )
                )
        BookingEvent.objects.bulk_create(events, batch_size=5000)
        BookingEvent.objects.filter(booking__clinic=clinic).update(
            at=Subquery(Booking.objects.filter(pk=OuterRef("booking_id")).values("start")[:1])
        )
        paid = [row for row in ids if row[1] in ("completed", "no_show")][:PAYMENTS]
        Payment.objects.bulk_create(
            [
                Payment(
                    clinic=clinic,
                    booking_id=pk,
                    kind="no_show_fee" if status == "no_show" else "full",
                    amount=price if status != "no_show" else price // 2,
                    currency=clinic.currency,
                    status="succeeded",
                    amount_captured=price if status != "no_show" else price // 2,
                    succeeded_at=start,
                    idempotency_key=f"bench-{pk}",
                )
                for pk, status, price, start in paid
            ],
            batch_size=5000,
        )
        payments = list(
            Payment.objects.filter(clinic=clinic).values_list("pk", "amount_captured")[:REFUNDS]
        )
        Refund.objects.bulk_create(
            [
                Refund(
                    payment_id=pk,
                    amount=amount if n % 2 else amount // 3,
                    status="succeeded",
                    idempotency_key=f"bench-r{pk}",
                )
                for n, (pk, amount) in enumerate(payments)
            ],
            batch_size=5000,
        )
        Refund.objects.filter(payment__clinic=clinic).update(
            created_at=Subquery(
                Payment.objects.filter(pk=OuterRef("payment_id")).values("succeeded_at")[:1]
            )
        )
        log("  payments and refunds written")
        programme_upsert(clinic=clinic, unit_name="points", per_currency_unit=1, per_visit=10)
        LoyaltyAccount.objects.bulk_create(
            [LoyaltyAccount(clinic=clinic, client_id=c) for c in clients], batch_size=5000
        )
        entries = []
        for c in clients:
            entries.append(
                LedgerEntry(clinic=clinic, client_id=c, kind="earn", amount=300, balance_after=300)
            )
            entries.append(
                LedgerEntry(
                    clinic=clinic, client_id=c, kind="redeem", amount=-100, balance_after=200
                )
            )
        LedgerEntry.objects.bulk_create(entries, batch_size=5000)
        with connection.cursor() as cursor:
            when = [
                (
                    datetime.datetime.combine(
                        today - datetime.timedelta(days=rng.randrange(DAYS)),
                        datetime.time(12),
                        tzinfo=datetime.UTC,
                    ),
                    pk,
                )
                for pk in LedgerEntry.objects.filter(clinic=clinic).values_list("pk", flat=True)
            ]
            cursor.executemany("UPDATE loyalty_ledgerentry SET created_at = %s WHERE id = %s", when)
        Referral.objects.bulk_create(
            [
                Referral(clinic=clinic, referrer_id=clients[n], referred_id=clients[n + 1])
                for n in range(0, 2000, 2)
            ]
        )
        game = make_game(clinic, key="bench")
        prize = game.prizes.first()
        GamePlay.objects.bulk_create(
            [
                GamePlay(
                    clinic=clinic,
                    game=game,
                    client_id=clients[rng.randrange(CLIENTS)],
                    prize=prize,
                    prize_label=prize.label,
                    prize_kind=prize.kind,
                    played_at=datetime.datetime.combine(
                        today - datetime.timedelta(days=rng.randrange(DAYS)),
                        datetime.time(12),
                        tzinfo=datetime.UTC,
                    ),
                )
                for _ in range(10_000)
            ],
            batch_size=5000,
        )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    return clinic, manager


def main():
    args = parse_args()
    OUT_DIR.mkdir(parents=True, exist_ok=True)
    if args.database == "postgres":
        url = os.environ.get("BENCH_PG_URL", DEFAULT_PG_URL)
        import psycopg

        from bench.client_search import ensure_database

        try:
            ensure_database(url)
        except psycopg.OperationalError as exc:
            log(f"PostgreSQL is not reachable at {url} ({exc}); skipped.")
            return
        os.environ["DATABASE_URL"] = url
    else:
        os.environ["DATABASE_URL"] = f"sqlite:///{OUT_DIR / 'reports.sqlite3'}"
    os.environ["DJANGO_SETTINGS_MODULE"] = os.environ.get("BENCH_SETTINGS", "cms.settings.dev")
    os.environ["DEBUG"] = os.environ.get("BENCH_DEBUG", "0")
    load_before = os.getloadavg()

    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    call_command("migrate", verbosity=0)
    call_command("createcachetable", verbosity=0)
    t0 = time.perf_counter()
    clinic, manager = build(args.rebuild)
    build_s = time.perf_counter() - t0
    if CLINIC_DOMAIN not in settings.ALLOWED_HOSTS and "*" not in settings.ALLOWED_HOSTS:
        settings.ALLOWED_HOSTS.append(CLINIC_DOMAIN)
    browser = Client(HTTP_HOST=CLINIC_DOMAIN)
    browser.force_login(manager)
    tz = zoneinfo.ZoneInfo(clinic.timezone)
    today = datetime.datetime.now(tz).date()
    periods = {
        "4 weeks": {},
        "1 year": {
            "date_from": (today - datetime.timedelta(days=364)).isoformat(),
            "date_to": today.isoformat(),
            "by": "week",
        },
    }
    results = {}
    for label, params in periods.items():
        for key in REPORTS:
            url = f"/admin/revenue-impact/{key}/"

            def request(url=url, params=params):
                response = browser.get(url, params)
                assert response.status_code == 200, response.status_code

            timing = measure(request, runs=args.runs, warmup=args.warmup)
            with CaptureQueriesContext(connection) as queries:
                request()
            timing["queries"] = len(queries)
            results[f"{key} ({label})"] = timing
            log(
                f"{key:12} {label:8} median {timing['median_ms']:8.1f} ms  "
                f"min {timing['min_ms']:8.1f}  queries {timing['queries']}"
            )
    out = {
        "database": connection.vendor,
        "bookings": BOOKINGS,
        "payments": PAYMENTS,
        "target_ms": TARGET_MS,
        "build_s": round(build_s, 1),
        "python": platform.python_version(),
        "loadavg_before": load_before,
        "loadavg_after": os.getloadavg(),
        "results": results,
    }
    path = OUT_DIR / f"reports-{connection.vendor}.json"
    path.write_text(json.dumps(out, indent=2))
    print(f"{'report':28} {'median ms':>10} {'min ms':>10} {'queries':>8}")
    for name, r in results.items():
        print(f"{name:28} {r['median_ms']:10.1f} {r['min_ms']:10.1f} {r['queries']:8}")
    print(f"Written to {path.relative_to(BASE_DIR)}")


if __name__ == "__main__":
    main()
