"""Twenty people press "Book" for the same slot at the same moment: exactly one gets it.

Each request runs in its own thread with its own database connection, through the real
HTTP stack, so this exercises the same locking (SQLite's IMMEDIATE transactions, or row
locks plus the exclusion constraint on PostgreSQL) that production relies on. The suite
runs on both databases (see the Makefile's test target).
"""

import threading

import pytest
from django.db import connection, connections
from rest_framework.test import APIClient

from booking_api.models import Booking
from tests.factories.booking import StaffFactory
from tests.factories.clients import ClientAccountFactory
from tests.fixtures.booking import MONDAY
from tests.fixtures.clinics import host_client

# serialized_rollback: the flush after each test would drop Wagtail's root page and locale.
pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

ATTEMPTS = 20


def race(clinic, payloads):
    """POST every payload at once, each from a different signed-in client."""
    clients = []
    for _ in payloads:
        api = host_client(clinic, APIClient)
        api.force_authenticate(ClientAccountFactory(clinic=clinic).user)
        clients.append(api)
    barrier = threading.Barrier(len(payloads))
    results = [None] * len(payloads)

    def attempt(i):
        try:
            barrier.wait()
            response = clients[i].post("/api/v1/bookings", payloads[i], format="json")
            results[i] = (response.status_code, response.json())
        finally:
            connections.close_all()

    threads = [threading.Thread(target=attempt, args=(i,)) for i in range(len(payloads))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return results


def test_twenty_requests_for_one_slot_give_one_booking(clinic, open_policy, service, emma):
    payload = {"service": "consult", "staff": "emma", "start": f"{MONDAY}T10:00:00Z"}
    results = race(clinic, [payload] * ATTEMPTS)
    codes = sorted(code for code, _ in results)
    assert codes == [201] + [409] * (ATTEMPTS - 1), results
    conflicts = [body for code, body in results if code == 409]
    assert all("just been taken" in body["detail"] for body in conflicts)
    assert Booking.objects.filter(staff=emma).count() == 1


def test_overlapping_starts_cannot_both_win(clinic, open_policy, service, emma):
    """Different starts whose blocked times overlap (10:00 and 10:15 for a 30-minute
    service) race too: one wins, the other is refused."""
    starts = ["10:00", "10:15"] * (ATTEMPTS // 2)
    payloads = [
        {"service": "consult", "staff": "emma", "start": f"{MONDAY}T{s}:00Z"} for s in starts
    ]
    results = race(clinic, payloads)
    assert sorted(code for code, _ in results).count(201) == 1, results
    assert Booking.objects.filter(staff=emma).count() == 1


def test_any_available_assigns_each_winner_a_different_staff_member(clinic, open_policy, service):
    team = [StaffFactory(clinic=clinic, services=[service]) for _ in range(3)]
    payload = {"service": "consult", "staff": "any", "start": f"{MONDAY}T10:00:00Z"}
    results = race(clinic, [payload] * 10)
    winners = [body["staff"]["id"] for code, body in results if code == 201]
    assert sorted(winners) == sorted(s.pk for s in team)
    assert sorted(code for code, _ in results).count(409) == 7


@pytest.mark.skipif(
    "connection.vendor != 'postgresql'", reason="the exclusion constraint exists only on PostgreSQL"
)
def test_the_database_itself_refuses_an_overlap(clinic, open_policy, service, emma):
    """Even a write that skips the service layer cannot overlap on PostgreSQL."""
    import datetime

    from django.db import IntegrityError

    from tests.booking.test_engine import book

    start = datetime.datetime.combine(MONDAY, datetime.time(10), tzinfo=datetime.UTC)
    book(clinic, service, emma, start)
    with pytest.raises(IntegrityError):
        book(clinic, service, emma, start + datetime.timedelta(minutes=15))
    assert connection.vendor == "postgresql"


@pytest.mark.skipif(
    "connection.vendor != 'postgresql'", reason="the exclusion constraint exists only on PostgreSQL"
)
def test_the_database_refuses_an_overlap_with_a_guests_unconfirmed_hold(
    clinic, open_policy, service, emma
):
    """A guest's hold takes its time like any booking (migration 0007 rebuilt the
    constraint with the ``unverified`` status)."""
    import datetime

    from django.db import IntegrityError

    from booking_api.lifecycle import BookingStatus
    from tests.booking.test_engine import book

    start = datetime.datetime.combine(MONDAY, datetime.time(10), tzinfo=datetime.UTC)
    book(clinic, service, emma, start, status=BookingStatus.UNVERIFIED)
    with pytest.raises(IntegrityError):
        book(clinic, service, emma, start + datetime.timedelta(minutes=15))
    assert connection.vendor == "postgresql"


@pytest.mark.skipif(
    "connection.vendor != 'postgresql'", reason="the exclusion constraint exists only on PostgreSQL"
)
def test_the_database_lets_only_a_deliberate_override_overlap(clinic, open_policy, service, emma):
    """Migration 0013: the constraint skips bookings staff overrode with a reason, and
    only those; two ordinary bookings still cannot overlap."""
    import datetime
    import uuid

    from django.db import IntegrityError, transaction

    from tests.booking.test_engine import book

    start = datetime.datetime.combine(MONDAY, datetime.time(10), tzinfo=datetime.UTC)
    first = book(clinic, service, emma, start)
    squeezed = Booking.objects.get(pk=first.pk)
    squeezed.pk, squeezed.reference = None, uuid.uuid4()
    squeezed.override_reason = "Double-booked on purpose"
    squeezed.save(force_insert=True)  # overlaps ``first``: allowed
    with pytest.raises(IntegrityError), transaction.atomic():
        book(clinic, service, emma, start + datetime.timedelta(minutes=15))
    assert Booking.objects.filter(staff=emma).count() == 2
    assert connection.vendor == "postgresql"
