"""Loyalty transactions pulled from a practice system that speaks the REST/JSON
contract (issue 14): where the clinic's programme says points come from the practice
system, each transaction is added to the client's balance once, the portal awards no
visit points of its own (a visit is never counted twice), and a transaction that
cannot be used is listed for staff while the rest go on."""

import pytest

from booking_api.models import BookingStatus
from loyalty.models import EntryKind, LedgerEntry
from loyalty.selectors import balance
from loyalty.services import points_for_completed_booking, programme_upsert
from notifications.models import Notification
from sync.models import ClientLink, SyncRecordError
from sync.services.connections import connection_test
from sync.services.runner import connection_run
from tests.factories.booking import ServiceFactory, StaffFactory
from tests.fixtures.booking import add_booking

pytestmark = pytest.mark.django_db


def seed_client(practice, external_id="c1", email="ann@example.com"):
    practice.put(
        "clients",
        {"id": external_id, "email": email, "first_name": "Ann", "last_name": "Lee", "phone": ""},
    )


def transaction(practice, external_id, client_id, points, reason=""):
    practice.put(
        "loyalty_transactions",
        {
            "id": external_id,
            "client_id": client_id,
            "points": points,
            "reason": reason,
            "occurred_at": "2026-11-30T10:00:00+00:00",
        },
    )


def run(connection):
    result = connection_run(connection_id=connection.pk)
    assert result.status == "succeeded", result.error
    return result


@pytest.fixture
def points_from_practice(vet):
    return programme_upsert(clinic=vet, unit_name="paws", points_from_practice=True)


def practice_entries(vet):
    return list(
        LedgerEntry.objects.filter(clinic=vet, kind=EntryKind.PRACTICE)
        .order_by("id")
        .values_list("amount", "reason")
    )


def test_practice_transactions_reach_the_balance_once(
    vet, practice, practice_connection, points_from_practice
):
    seed_client(practice)
    transaction(practice, "t1", "c1", 50, "Dental check")
    transaction(practice, "t2", "c1", "-20", "Redeemed at the desk")
    first = run(practice_connection)
    assert first.counts["loyalty"] == {"created": 2, "updated": 0, "unchanged": 0, "errors": 0}
    client = ClientLink.objects.get(clinic=vet, external_id="c1").client
    assert balance(vet, client) == 30
    assert practice_entries(vet) == [(50, "Dental check"), (-20, "Redeemed at the desk")]
    # The patient hears of the points added (not of the deduction), in the clinic's unit.
    notices = Notification.objects.filter(user=client.user, kind="points_added")
    assert [n.title for n in notices] == ["+50 paws"]

    # The next run asks only for what changed since; pulling a transaction again (its
    # record edited there) changes nothing here.
    practice.edit("loyalty_transactions", "t1", reason="Dental check (edited)")
    again = run(practice_connection)
    assert again.counts["loyalty"]["unchanged"] == 1
    assert again.counts["loyalty"]["created"] == 0
    assert balance(vet, client) == 30
    assert len(practice_entries(vet)) == 2
    assert Notification.objects.filter(user=client.user, kind="points_added").count() == 1
    pulls = [r for r in practice.requests if r["path"] == "/loyalty_transactions"]
    cursor_calls = [r for r in pulls if "cursor" in r["query"]]
    assert cursor_calls, "the second run continues from the cursor"


def test_a_transaction_that_cannot_be_used_is_listed_and_the_rest_go_on(
    vet, practice, practice_connection, points_from_practice
):
    seed_client(practice)
    transaction(practice, "t1", "c1", 10, "Visit")
    transaction(practice, "t2", "nobody", 5, "Visit")  # a client never sent
    transaction(practice, "t3", "c1", "ten", "Visit")  # not a number
    transaction(practice, "t4", "c1", 0, "Visit")  # nothing to add
    transaction(practice, "t5", "c1", -500, "Redeemed")  # more than the balance
    result = run(practice_connection)
    assert result.counts["loyalty"]["created"] == 1
    assert result.counts["loyalty"]["errors"] == 4
    client = ClientLink.objects.get(clinic=vet, external_id="c1").client
    assert balance(vet, client) == 10
    assert practice_entries(vet) == [(10, "Visit")]
    errors = {e.external_id: e.message for e in SyncRecordError.objects.filter(resource="loyalty")}
    assert set(errors) == {"t2", "t3", "t4", "t5"}
    assert "client_id" in errors["t2"] and "nobody" in errors["t2"]
    assert errors["t3"].startswith("points:")
    assert "points" in errors["t4"] and "zero" in errors["t4"]
    assert errors["t5"].startswith("amount:") and "balance is 10" in errors["t5"]


def test_nothing_is_pulled_while_the_programme_awards_its_own_points(
    vet, practice, practice_connection
):
    programme_upsert(clinic=vet, points_from_practice=False)
    seed_client(practice)
    transaction(practice, "t1", "c1", 50, "Dental check")
    result = run(practice_connection)
    assert "loyalty" not in result.counts
    assert not [r for r in practice.requests if r["path"] == "/loyalty_transactions"]
    assert not LedgerEntry.objects.filter(clinic=vet).exists()
    # The test button asks only for what a run would pull.
    assert set(connection_test(connection=practice_connection).resources) == {
        "clients",
        "pets",
        "appointments",
    }


def test_the_test_button_lists_loyalty_when_points_come_from_the_practice(
    vet, practice, practice_connection, points_from_practice
):
    result = connection_test(connection=practice_connection)
    assert result.resources == {
        "clients": True,
        "pets": True,
        "appointments": True,
        "loyalty": True,
    }


def test_a_completed_visit_earns_no_portal_points_when_they_come_from_the_practice(
    vet, owner, points_from_practice
):
    programme_upsert(clinic=vet, per_visit=25)
    service = ServiceFactory(clinic=vet, price=5000)
    staff = StaffFactory(clinic=vet, services=[service])
    from django.utils import timezone

    booking = add_booking(
        vet, owner, service, staff, timezone.now(), status=BookingStatus.COMPLETED
    )
    assert points_for_completed_booking(booking.pk) is None
    assert not LedgerEntry.objects.filter(client=owner).exists()

    # The same visit at a clinic awarding its own points earns them.
    programme_upsert(clinic=vet, points_from_practice=False)
    entry = points_for_completed_booking(booking.pk)
    assert entry is not None and entry.amount == 25
