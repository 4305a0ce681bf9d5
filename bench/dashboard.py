"""Dashboard benchmark: the server time of a signed-in patient's home page (every card
the seed gives a clinic) when the patient has a long history — 1,000 past bookings,
upcoming ones, 500 loyalty ledger entries, notifications and a cart. Timed through
Django's test client: middleware, page serving, selectors and templates, no network.

Needs ``django.setup()`` on the bench database (see ``bench.__main__``).
"""

import contextlib
import datetime
import sys

from bench.timing import measure

CLINIC_SLUG = "benchdash"
CLINIC_DOMAIN = "benchdash.localhost"
PAST_BOOKINGS = 1000
LEDGER_ENTRIES = 500
TARGET_MS = 100


def build():
    """The clinic, its seeded dashboard and one patient with a long history."""
    from django.db import transaction
    from django.utils import timezone

    from booking_api.models import Booking, BookingStatus
    from booking_api.services.cart import cart_add
    from loyalty.services import points_award
    from notifications.services import Category, notify
    from portal_pages.services import dashboard_cards_seed
    from tests.factories.booking import ServiceFactory, StaffFactory, main_location
    from tests.factories.branding import ClinicFactory
    from tests.factories.clients import ClientAccountFactory

    with transaction.atomic(), contextlib.redirect_stdout(sys.stderr):
        clinic = ClinicFactory(slug=CLINIC_SLUG, name="Bench Dashboard", domain=CLINIC_DOMAIN)
        location = main_location(clinic)
        services = [
            ServiceFactory(clinic=clinic, key=f"treatment-{n}", name=f"Treatment {n}")
            for n in range(5)
        ]
        staff = StaffFactory(clinic=clinic, key="emma", display_name="Emma", services=services)
        patient = ClientAccountFactory(clinic=clinic)
        now = timezone.now().replace(minute=0, second=0, microsecond=0)

        def booking(start, status, service):
            end = start + datetime.timedelta(minutes=service.duration_minutes)
            return Booking(
                clinic=clinic,
                client=patient,
                service=service,
                staff=staff,
                location=location,
                start=start,
                end=end,
                blocked_start=start,
                blocked_end=end,
                status=status,
                price=service.price,
                currency=clinic.currency,
                source="import",
            )

        rows = [
            booking(
                now - datetime.timedelta(days=1, hours=3 * n),
                BookingStatus.COMPLETED,
                services[n % 5],
            )
            for n in range(PAST_BOOKINGS)
        ]
        rows += [
            booking(now + datetime.timedelta(days=d, hours=2), BookingStatus.BOOKED, services[0])
            for d in (3, 5, 8)
        ]
        Booking.objects.bulk_create(rows, batch_size=500)
        for n in range(LEDGER_ENTRIES):
            points_award(
                clinic=clinic,
                client=patient,
                amount=10,
                reason=f"Visit {n}",
                idempotency_key=f"bench-dash-{n}",
            )
        for n in range(30):
            notify(
                clinic=clinic,
                user=patient.user,
                kind="bench",
                category=Category.MESSAGE,
                title=f"Message {n}",
                body="Hello from the clinic.",
                idempotency_key=f"bench-dash-note-{n}",
                channels=[],
            )
        cart_add(clinic=clinic, client=patient, service=services[1])
        dashboard_cards_seed(clinic=clinic)
    return {"user_id": patient.user_id}


def run(*, built, runs, warmup):
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client(HTTP_HOST=CLINIC_DOMAIN)
    client.force_login(get_user_model().objects.get(pk=built["user_id"]))

    def dashboard():
        response = client.get("/")
        if response.status_code != 200:
            raise RuntimeError(f"GET / answered {response.status_code}")
        return response

    timing = measure(dashboard, runs=runs, warmup=warmup)
    with CaptureQueriesContext(connection) as queries:
        dashboard()
    return {
        **timing,
        "queries": len(queries),
        "past_bookings": PAST_BOOKINGS,
        "ledger_entries": LEDGER_ENTRIES,
        "target_ms": TARGET_MS,
        "ok": timing["median_ms"] < TARGET_MS,
    }


def table(result):
    return (
        f"Dashboard GET / (signed-in patient: {result['past_bookings']:,} past bookings, "
        f"{result['ledger_entries']} ledger entries)\n"
        f"{'':28}{'median':>11}{'min':>11}{'p90':>11}{'runs':>6}{'queries':>9}\n"
        f"{'dashboard':28}{result['median_ms']:>8.1f} ms{result['min_ms']:>8.1f} ms"
        f"{result['p90_ms']:>8.1f} ms{result['runs']:>6}{result['queries']:>9}\n"
        f"target: median < {result['target_ms']} ms: {'OK' if result['ok'] else 'MISSED'}"
    )
