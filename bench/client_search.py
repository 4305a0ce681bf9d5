"""``python -m bench.client_search``: the staff client search on PostgreSQL.

50,000 clients in one clinic (names from Faker in English, French, German, Spanish and
Bulgarian locales, so accents and Cyrillic are in the data; UK mobile numbers), in a
PostgreSQL database of its own (``BENCH_PG_URL``, default
postgres://postgres@127.0.0.1:5432/portal_bench_clients, created and migrated on first
use and kept: the clients are built once). Times, for a mix of queries a receptionist
types (part of a name, without accents, two words, an email fragment, a phone number in
several forms), what the list's live search runs: ``clinic_clients`` count + first page,
and the whole request ``GET /admin/clinic/clients/?q=…&partial=1`` as a signed-in
manager. Prints a table and writes var/bench/client_search.json. Target: median under
100 ms for the request.
"""

import argparse
import json
import os
import platform
import sys
import time
from pathlib import Path

from bench.timing import measure

BASE_DIR = Path(__file__).resolve().parent.parent
OUT_DIR = BASE_DIR / "var" / "bench"
DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/portal_bench_clients"
CLIENTS = 50_000
TARGET_MS = 100
CLINIC_SLUG = "bench-search"
CLINIC_DOMAIN = "search.bench.localhost"
MANAGER_EMAIL = "manager@search.bench.localhost"
LOCALES = ["en_GB", "fr_FR", "de_DE", "es_ES", "bg_BG"]


def parse_args():
    parser = argparse.ArgumentParser(prog="python -m bench.client_search")
    parser.add_argument("--runs", type=int, default=30, help="timed runs per query")
    parser.add_argument("--warmup", type=int, default=3)
    parser.add_argument("--clients", type=int, default=CLIENTS)
    parser.add_argument("--rebuild", action="store_true", help="drop and rebuild the clients")
    return parser.parse_args()


def log(message):
    print(message, file=sys.stderr, flush=True)


def ensure_database(url):
    """Create the bench database if it does not exist (never the developer's)."""
    import psycopg
    from psycopg import sql

    name = url.rsplit("/", 1)[1]
    admin_url = url.rsplit("/", 1)[0] + "/postgres"
    with psycopg.connect(admin_url, autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if not exists:
            log(f"Creating database {name} ...")
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))


def build(count, rebuild):
    """The clinic, a manager and ``count`` clients; kept between runs."""
    from django.contrib.auth import get_user_model
    from django.db import transaction
    from faker import Faker

    from branding.models import Clinic
    from people.models import ClientAccount
    from people.search import search_text_for
    from people.services import membership_grant
    from tests.factories.branding import ClinicFactory

    User = get_user_model()
    clinic = Clinic.objects.filter(slug=CLINIC_SLUG).first()
    if clinic is None:
        clinic = ClinicFactory(slug=CLINIC_SLUG, name="Search Bench", domain=CLINIC_DOMAIN)
    manager = User.objects.filter(email=MANAGER_EMAIL).first() or User.objects.create_user(
        email=MANAGER_EMAIL
    )
    membership_grant(clinic=clinic, user=manager, role="manager")
    have = ClientAccount.objects.filter(clinic=clinic).count()
    if have == count and not rebuild:
        return clinic, manager, False
    log(f"Building {count:,} clients (once; kept for next time) ...")
    with transaction.atomic():
        ClientAccount.objects.filter(clinic=clinic).delete()
        User.objects.filter(email__endswith="@clients.bench").delete()
        fakers = [Faker(locale) for locale in LOCALES]
        for i, faker in enumerate(fakers):
            faker.seed_instance(1000 + i)
        users, accounts = [], []
        for n in range(count):
            faker = fakers[n % len(fakers)]
            first, last = faker.first_name(), faker.last_name()
            email = f"client{n}@clients.bench"
            phone = f"+4477009{n:05d}"
            users.append(User(email=email, first_name=first, last_name=last))
            accounts.append(
                (
                    phone,
                    search_text_for(first_name=first, last_name=last, email=email, phone=phone),
                )
            )
        for user in users:
            user.set_unusable_password()
        User.objects.bulk_create(users, batch_size=5000)
        ids = dict(User.objects.filter(email__endswith="@clients.bench").values_list("email", "pk"))
        ClientAccount.objects.bulk_create(
            [
                ClientAccount(
                    clinic=clinic,
                    user_id=ids[user.email],
                    phone=phone,
                    search_text=text,
                    vip=(n % 17 == 0),
                    tags=["Sensitive skin"] if n % 11 == 0 else [],
                )
                for n, (user, (phone, text)) in enumerate(zip(users, accounts, strict=True))
            ],
            batch_size=5000,
        )
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("ANALYZE clients_clientaccount")
        cursor.execute("ANALYZE clients_user")
    return clinic, manager, True


def queries(clinic):
    """Realistic searches, some taken from the data (so they match someone)."""
    from people.models import ClientAccount

    sample = ClientAccount.objects.filter(clinic=clinic).select_related("user").order_by("pk")
    # Client n was named by LOCALES[n % 5]: 1231 is French, 4324 Bulgarian.
    a = sample[1231].user
    b = sample[4324].user
    return {
        "last name, lower case": a.last_name.lower(),
        "first 3 letters": a.first_name[:3],
        "two words": f"{a.first_name} {a.last_name[:4]}",
        "name without accents": "helene",
        "cyrillic": b.last_name,
        "email fragment": "client4242@",
        "phone, national": "07700 904242",
        "phone, international": "+44 7700 904242",
        "phone, last digits": "904242",
        "no match": "zzzqqq",
    }


def main():
    args = parse_args()
    url = os.environ.get("BENCH_PG_URL", DEFAULT_URL)
    os.environ["DATABASE_URL"] = url
    os.environ["DJANGO_SETTINGS_MODULE"] = os.environ.get("BENCH_SETTINGS", "cms.settings.dev")
    os.environ["DEBUG"] = os.environ.get("BENCH_DEBUG", "0")
    OUT_DIR.mkdir(parents=True, exist_ok=True)
    load_before = os.getloadavg()
    import psycopg

    try:
        ensure_database(url)
    except psycopg.OperationalError as exc:
        log(f"PostgreSQL is not reachable at {url} ({exc}); client search bench skipped.")
        return

    import django

    django.setup()
    from django.core.management import call_command

    t0 = time.perf_counter()
    call_command("migrate", verbosity=0)
    call_command("createcachetable", verbosity=0)
    migrate_s = time.perf_counter() - t0
    t0 = time.perf_counter()
    clinic, manager, built = build(args.clients, args.rebuild)
    build_s = time.perf_counter() - t0

    from django.conf import settings
    from django.test import Client

    from people.selectors import clinic_clients

    if CLINIC_DOMAIN not in settings.ALLOWED_HOSTS and "*" not in settings.ALLOWED_HOSTS:
        settings.ALLOWED_HOSTS.append(CLINIC_DOMAIN)
    browser = Client(HTTP_HOST=CLINIC_DOMAIN)
    browser.force_login(manager)
    results = {}
    for label, query in queries(clinic).items():

        def selector(query=query):
            accounts = clinic_clients(clinic, search=query)
            return accounts.count(), list(accounts[:50])

        def request(query=query):
            response = browser.get("/admin/clinic/clients/", {"q": query, "partial": "1"})
            assert response.status_code == 200, response.status_code

        found = selector()[0]
        results[label] = {
            "query": query,
            "matches": found,
            "selector": measure(selector, runs=args.runs, warmup=args.warmup),
            "request": measure(request, runs=args.runs, warmup=args.warmup),
        }
        log(f"  {label:24} {found:6} matches")

    import statistics

    overall = {
        part: round(statistics.median(r[part]["median_ms"] for r in results.values()), 2)
        for part in ("selector", "request")
    }
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "EXPLAIN SELECT count(*) FROM clients_clientaccount "
            "WHERE clinic_id = %s AND archived_at IS NULL AND search_text LIKE %s",
            [clinic.pk, "%904242%"],
        )
        plan = "\n".join(row[0] for row in cursor.fetchall())
    out = {
        "clients": args.clients,
        "database": "postgresql",
        "built_now": built,
        "migrate_s": round(migrate_s, 1),
        "build_s": round(build_s, 1),
        "runs": args.runs,
        "target_ms": TARGET_MS,
        "median_of_medians_ms": overall,
        "meets_target": overall["request"] < TARGET_MS,
        "queries": results,
        "plan_phone_digits": plan,
        "machine": {
            "python": platform.python_version(),
            "cpus": os.cpu_count(),
            "loadavg_before": [round(x, 2) for x in load_before],
            "loadavg_after": [round(x, 2) for x in os.getloadavg()],
        },
    }
    (OUT_DIR / "client_search.json").write_text(json.dumps(out, indent=2))
    print(f"\nClient search, {args.clients:,} clients, PostgreSQL ({args.runs} runs each)")
    print(f"{'query':26} {'matches':>8} {'selector ms':>12} {'request ms':>11} {'min':>7}")
    for label, r in results.items():
        print(
            f"{label:26} {r['matches']:>8} {r['selector']['median_ms']:>12} "
            f"{r['request']['median_ms']:>11} {r['request']['min_ms']:>7}"
        )
    print(
        f"median of medians: selector {overall['selector']} ms, request {overall['request']} ms "
        f"(target < {TARGET_MS} ms: {'met' if out['meets_target'] else 'MISSED'})"
    )
    print("plan:", plan.splitlines()[0] if plan else "")
    print("written: var/bench/client_search.json")


if __name__ == "__main__":
    main()
