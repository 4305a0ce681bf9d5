"""Concurrent use of a membership's last credit: four bookings with four therapists ask
for it at the same moment; exactly one is booked on it, the others are refused naming
``package`` and leave nothing behind (the membership row lock on PostgreSQL, IMMEDIATE
transactions on SQLite). Run it on both:
``DATABASE_URL=postgres://postgres@127.0.0.1:5432/portal .venv/bin/pytest tests/commerce``.
"""

import threading

import pytest
from django.db import connections

from booking_api.models import Booking
from booking_api.services import booking_create
from branding.errors import DomainError
from commerce.memberships.selectors import membership_balance
from commerce.models import CreditKind, MembershipEntry
from tests.factories.booking import StaffFactory
from tests.fixtures.booking import MONDAY, at

pytestmark = [
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.usefixtures("open_policy"),
]

STAFF = ["ana", "ben", "cat", "dan"]


def test_concurrent_use_of_the_last_credit_books_exactly_one(clinic, patient, service, member):
    staff = [StaffFactory(clinic=clinic, key=k, display_name=k, services=[service]) for k in STAFF]
    assert membership_balance(member) == 1
    barrier = threading.Barrier(len(STAFF))
    results = [None] * len(STAFF)

    def attempt(i):
        try:
            barrier.wait()
            booking_create(
                clinic=clinic,
                client=patient,
                service=service,
                staff=staff[i],
                start=at(MONDAY, "10:00"),
                source="portal",
                package=f"commerce:membership:{member.pk}",
            )
            results[i] = "booked"
        except DomainError as exc:
            results[i] = f"refused {exc.field}"
        except Exception as exc:  # noqa: BLE001 - reported in the assertion
            results[i] = repr(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=attempt, args=(i,)) for i in range(len(STAFF))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)

    assert sorted(results) == ["booked"] + ["refused package"] * 3, results
    assert Booking.objects.count() == 1
    assert membership_balance(member) == 0
    uses = MembershipEntry.objects.filter(membership=member, kind=CreditKind.USE)
    assert [u.booking_id for u in uses] == [Booking.objects.get().pk]
