"""``python -m bench.client_account [--database sqlite|postgres]``: the staff client
account page with a big clinic and a client with a long history.

50,000 clients in one clinic (``--clients``), and one of them with 1,000 bookings
(``--bookings``; past, one a day, completed, each paid), five upcoming, 200 message
threads, 5 pets, 300 loyalty entries, 500 notifications (each with an email delivery),
50 notes, a medical history and a package. Built once with bulk inserts and kept:
var/bench/client_account.sqlite3, or the database at ``BENCH_PG_URL`` (default
postgres://postgres@127.0.0.1:5432/portal_bench_account); a clinic per size, so a
different size builds its own next to the others.

Measured as a signed-in manager: ``GET /admin/clinic/clients/<id>/`` — the whole page,
every tab on it — and, to see where the time goes, each tab's ``get_context`` and the
Overview's panels on their own. Median, min and p90 of ``--runs`` after ``--warmup``;
the page's query count from one more call. Written to
var/bench/client_account-<vendor>.json. Target: page median under 100 ms.
"""

import argparse
import datetime
import json
import os
import platform
import re
import sys
import time
from pathlib import Path

from bench.timing import measure

BASE_DIR = Path(__file__).resolve().parent.parent
OUT_DIR = BASE_DIR / "var" / "bench"
DEFAULT_PG_URL = "postgres://postgres@127.0.0.1:5432/portal_bench_account"
CLIENTS = 50_000
BOOKINGS = 1_000
TARGET_MS = 100
CLINIC_SLUG = "bench-account"
CLINIC_DOMAIN = "account.bench.localhost"
MANAGER_EMAIL = "manager@account.bench.localhost"


def parse_args():
    parser = argparse.ArgumentParser(prog="python -m bench.client_account")
    parser.add_argument("--database", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--warmup", type=int, default=3)
    parser.add_argument("--clients", type=int, default=CLIENTS)
    parser.add_argument("--bookings", type=int, default=BOOKINGS)
    parser.add_argument("--show-queries", action="store_true", help="print the page's SQL")
    return parser.parse_args()


def log(message):
    print(message, file=sys.stderr, flush=True)


def domain(clients, bookings):
    return f"a{clients}-{bookings}.{CLINIC_DOMAIN}"


def build(clients, bookings):
    """The clinic, a manager, ``clients`` clients and the one with ``bookings``."""
    from django.contrib.auth import get_user_model
    from django.db import transaction
    from django.utils import timezone

    from booking_api.models import Booking, Service, StaffMember
    from branding.models import Clinic
    from branding.services import features_update
    from loyalty.models import LedgerEntry
    from notifications.models import Delivery, Notification
    from payments.models import Payment
    from people.models import ClientAccount, ClientNote
    from people.models.pets import Pet
    from people.services import membership_grant
    from records.models import MedicalHistoryVersion, Message, MessageThread
    from tests.factories.booking import main_location
    from tests.factories.branding import ClinicFactory

    User = get_user_model()
    # A clinic per size (records here are append-only: a new size is a new clinic).
    slug = f"{CLINIC_SLUG}-{clients}-{bookings}"
    clinic = Clinic.objects.filter(slug=slug).first()
    if clinic is None:
        clinic = ClinicFactory(slug=slug, name="Account Bench", domain=domain(clients, bookings))
    features_update(
        clinic=clinic, pets=True, rewards=True, packages=True, gift_cards=True, selfies=True
    )
    manager = User.objects.filter(email=MANAGER_EMAIL).first() or User.objects.create_user(
        email=MANAGER_EMAIL, first_name="Mia", last_name="Manager"
    )
    membership_grant(clinic=clinic, user=manager, role="manager")
    mail = f"@{slug}.bench"
    subject = ClientAccount.objects.filter(clinic=clinic, user__email=f"zoe{mail}").first()
    if subject is not None:
        return clinic, manager, subject, False
    log(f"Building {clients:,} clients and one with {bookings:,} bookings (kept) ...")
    with transaction.atomic():
        users = [
            User(email=f"client{n}{mail}", first_name=f"Client{n}", last_name="Bench")
            for n in range(clients - 1)
        ]
        users.append(User(email=f"zoe{mail}", first_name="Zoë", last_name="Ångström"))
        for user in users:
            user.set_unusable_password()
        User.objects.bulk_create(users, batch_size=5000)
        ids = dict(User.objects.filter(email__endswith=mail).values_list("email", "pk"))
        ClientAccount.objects.bulk_create(
            [
                ClientAccount(
                    clinic=clinic,
                    user_id=ids[user.email],
                    phone=f"+4477009{n:05d}",
                    search_text=f"{user.first_name.lower()} bench {user.email}",
                    vip=(n % 17 == 0),
                    tags=["laser"] if n % 11 == 0 else [],
                )
                for n, user in enumerate(users)
            ],
            batch_size=5000,
        )
        subject = ClientAccount.objects.get(clinic=clinic, user__email=f"zoe{mail}")
        location = main_location(clinic)
        services = [
            Service.objects.create(
                clinic=clinic, key=f"s{i}", name=f"Treatment {i}", duration_minutes=60, price=5000
            )
            for i in range(3)
        ]
        staff = [
            StaffMember.objects.create(clinic=clinic, key=f"st{i}", display_name=f"Staff {i}")
            for i in range(5)
        ]
        now = timezone.now().replace(minute=0, second=0, microsecond=0)
        rows = []
        for i in range(bookings + 5):
            past = i < bookings
            start = now + datetime.timedelta(days=-(i + 1) if past else i - bookings + 1, hours=1)
            end = start + datetime.timedelta(hours=1)
            rows.append(
                Booking(
                    clinic=clinic,
                    client=subject,
                    service=services[i % 3],
                    staff=staff[i % 5],
                    location=location,
                    start=start,
                    end=end,
                    blocked_start=start,
                    blocked_end=end,
                    status="completed" if past else "confirmed",
                    price=5000,
                    currency=clinic.currency,
                    source="staff",
                )
            )
        Booking.objects.bulk_create(rows, batch_size=2000)
        done = Booking.objects.filter(clinic=clinic, client=subject, status="completed")
        Payment.objects.bulk_create(
            [
                Payment(
                    clinic=clinic,
                    booking_id=pk,
                    kind="full",
                    amount=5000,
                    amount_captured=5000,
                    currency=clinic.currency,
                    status="succeeded",
                    idempotency_key=f"bench-account-{pk}",
                    succeeded_at=start,
                )
                for pk, start in done.values_list("pk", "start")
            ],
            batch_size=2000,
        )
        threads = MessageThread.objects.bulk_create(
            [
                MessageThread(clinic=clinic, client=subject, kind="chat", subject=f"Question {n}")
                for n in range(200)
            ]
        )
        Message.objects.bulk_create(
            [Message(thread=t, sender="client", body="Can I come earlier?") for t in threads]
        )
        Pet.objects.bulk_create(
            [Pet(clinic=clinic, owner=subject, name=f"Rex {n}", species="dog") for n in range(5)]
        )
        LedgerEntry.objects.bulk_create(
            [
                LedgerEntry(
                    clinic=clinic,
                    client=subject,
                    kind="earn",
                    amount=10,
                    balance_after=10 * (n + 1),
                    reason=f"Visit {n}",
                )
                for n in range(300)
            ]
        )
        notifications = Notification.objects.bulk_create(
            [
                Notification(
                    clinic=clinic,
                    user=subject.user,
                    kind="booking.confirmed",
                    category="booking",
                    title=f"Booking {n} confirmed",
                    body="",
                    idempotency_key=f"{slug}-note-{n}",
                )
                for n in range(500)
            ]
        )
        Delivery.objects.bulk_create(
            [
                Delivery(notification=n, channel="email", status="sent", sent_at=now)
                for n in notifications
            ]
        )
        ClientNote.objects.bulk_create(
            [
                ClientNote(clinic=clinic, client=subject, body=f"Note {n}", pinned=n == 0)
                for n in range(50)
            ]
        )
        MedicalHistoryVersion.objects.create(clinic=clinic, client=subject, allergies="Latex")
    from django.db import connection

    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    return clinic, manager, subject, True


def tab_timings(clinic, manager, subject, runs, warmup):
    """Each tab's ``get_context`` and the overview panels, on their own."""
    from django.contrib.sessions.backends.cache import SessionStore
    from django.test import RequestFactory
    from wagtail import hooks

    from people.account_tabs import OVERVIEW_HOOK_NAME, account_tabs

    def fresh_request():
        request = RequestFactory().get("/", HTTP_HOST=clinic.site.hostname)
        request.user = manager
        request.clinic = clinic
        request.session = SessionStore()
        return request

    results = {}
    for tab, _context in account_tabs(fresh_request(), clinic, subject):

        def run(tab=tab):
            tab.get_context(fresh_request(), clinic, subject)

        results[f"tab {tab.key}"] = measure(run, runs=runs, warmup=warmup)
    for fn in hooks.get_hooks(OVERVIEW_HOOK_NAME):
        panel = fn()

        def run(panel=panel):
            request = fresh_request()
            if panel.is_shown(request, clinic, subject):
                panel.get_alerts(request, clinic, subject)
                if panel.template_name:
                    panel.get_context(request, clinic, subject)

        results[f"overview panel {panel.key}"] = measure(run, runs=runs, warmup=warmup)
    return results


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
        os.environ["DATABASE_URL"] = f"sqlite:///{OUT_DIR / 'client_account.sqlite3'}"
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
    clinic, manager, subject, built = build(args.clients, args.bookings)
    build_s = time.perf_counter() - t0
    host = domain(args.clients, args.bookings)
    if host not in settings.ALLOWED_HOSTS and "*" not in settings.ALLOWED_HOSTS:
        settings.ALLOWED_HOSTS.append(host)
    browser = Client(HTTP_HOST=host)
    browser.force_login(manager)
    url = f"/admin/clinic/clients/{subject.pk}/"

    def page():
        response = browser.get(url)
        assert response.status_code == 200, response.status_code

    results = {"page": measure(page, runs=args.runs, warmup=args.warmup)}
    with CaptureQueriesContext(connection) as queries:
        page()
    results["page"]["queries"] = len(queries)
    if args.show_queries:
        for query in queries:
            log(query["sql"][:300])
    log(
        f"page  median {results['page']['median_ms']:8.1f} ms  min {results['page']['min_ms']:8.1f}"
        f"  queries {len(queries)}"
    )
    # The page with each tab chosen (only that tab is rendered; the others are fetched
    # when opened, ``&partial=1``, which costs the same less the header).
    tab_keys = re.findall(r'data-account-tab="([\w-]+)"', browser.get(url).content.decode())
    for key in tab_keys:

        def tab_page(key=key):
            response = browser.get(url, {"tab": key})
            assert response.status_code == 200, response.status_code

        results[f"page ?tab={key}"] = measure(tab_page, runs=args.runs, warmup=args.warmup)
        with CaptureQueriesContext(connection) as queries:
            tab_page()
        results[f"page ?tab={key}"]["queries"] = len(queries)
        log(
            f"page ?tab={key:<14} median {results[f'page ?tab={key}']['median_ms']:8.1f} ms"
            f"  queries {len(queries)}"
        )
    results.update(tab_timings(clinic, manager, subject, args.runs, args.warmup))
    out = {
        "database": connection.vendor,
        "clients": args.clients,
        "bookings": args.bookings,
        "built_now": built,
        "build_s": round(build_s, 1),
        "target_ms": TARGET_MS,
        "meets_target": results["page"]["median_ms"] < TARGET_MS,
        "python": platform.python_version(),
        "loadavg_before": [round(x, 2) for x in load_before],
        "loadavg_after": [round(x, 2) for x in os.getloadavg()],
        "results": results,
    }
    path = OUT_DIR / f"client_account-{connection.vendor}.json"
    path.write_text(json.dumps(out, indent=2))
    print(
        f"\nClient account page, {args.clients:,} clients, {args.bookings:,} bookings, "
        f"{connection.vendor} ({args.runs} runs)"
    )
    print(f"{'what':32} {'median ms':>10} {'min':>8} {'p90':>8}")
    for label, r in results.items():
        print(f"{label:32} {r['median_ms']:>10} {r['min_ms']:>8} {r['p90_ms']:>8}")
    print(
        f"page: {results['page']['queries']} queries; target < {TARGET_MS} ms: "
        f"{'met' if out['meets_target'] else 'MISSED'}"
    )
    print(f"written: {path.relative_to(BASE_DIR)}")


if __name__ == "__main__":
    main()
