"""A page's writes go together: the number of queries for a page does not grow with
the page's size (issue 14, speed), and a page the database refuses as a whole is
applied record by record instead, the same outcomes."""

import datetime
from unittest import mock

import pytest
from django.db import DatabaseError
from django.db import connection as db
from django.test.utils import CaptureQueriesContext

from people.models import ClientAccount, Pet
from sync.connectors import connector_for
from sync.models import (
    ClientLink,
    ExternalAppointment,
    PetSyncState,
    SyncConnection,
    SyncRecordError,
)
from sync.services import apply as apply_module
from sync.services.apply import page_apply
from tests.factories.booking import StaffFactory

START = datetime.datetime(2031, 1, 6, 8, tzinfo=datetime.UTC)


def clients(first, count, name="Ann"):
    return [
        {
            "id": f"c{n}",
            "email": f"owner{n}@example.com",
            "first_name": f"{name}{n}",
            "last_name": "Lee",
            "phone": f"+44 7700 900{n:03d}",
        }
        for n in range(first, first + count)
    ]


def pets(first, count, name="Rex", status="active"):
    return [
        {
            "id": f"p{n}",
            "owner_id": f"c{n}",
            "name": f"{name}{n}",
            "species": "dog",
            "date_of_birth": "2020-01-01",
            "status": status,
        }
        for n in range(first, first + count)
    ]


def appointments(first, count, minutes=30):
    return [
        {
            "id": f"a{n}",
            "client_id": f"c{n}",
            "pet_id": f"p{n}",
            "resource_id": "r1" if n % 2 else "r2",
            "start": (START + datetime.timedelta(hours=n)).isoformat(),
            "end": (START + datetime.timedelta(hours=n, minutes=minutes)).isoformat(),
            "status": "booked",
        }
        for n in range(first, first + count)
    ]


def apply(connection, resource, items):
    # Fresh, as in a run (no cache of a previous page's clinic settings).
    connection = SyncConnection.objects.select_related("clinic").get(pk=connection.pk)
    connector = connector_for(connection)
    with CaptureQueriesContext(db) as captured:
        counts = page_apply(
            connection=connection,
            resource=resource,
            items=items,
            parse=lambda item: connector.parse(resource, item),
        )
    assert counts["errors"] == 0, list(SyncRecordError.objects.values_list("message", flat=True))
    return len(captured), counts


@pytest.mark.django_db
def test_the_queries_for_a_page_do_not_grow_with_its_size(vet, practice_connection):
    StaffFactory(clinic=vet, key="sam")
    StaffFactory(clinic=vet, key="r2")
    small, big = 3, 30
    sizes = {}
    for label, first, count in (("small", 0, small), ("big", 100, big)):
        sizes[label] = [
            apply(practice_connection, "clients", clients(first, count))[0],
            apply(practice_connection, "pets", pets(first, count, status="deceased"))[0],
            apply(practice_connection, "appointments", appointments(first, count))[0],
            # Everything again, changed: updates go together too.
            apply(practice_connection, "clients", clients(first, count, name="Bo"))[0],
            apply(practice_connection, "pets", pets(first, count, name="Max", status="deceased"))[
                0
            ],
            apply(practice_connection, "appointments", appointments(first, count, minutes=45))[0],
            # And once more unchanged.
            apply(practice_connection, "appointments", appointments(first, count, minutes=45))[0],
        ]
    assert sizes["big"] == sizes["small"]
    assert ClientAccount.objects.filter(clinic=vet).count() == small + big
    assert ClientAccount.objects.get(sync_link__external_id="c101").phone == "+447700900101"
    assert Pet.objects.get(external_id="p101").name == "Max101"
    assert PetSyncState.objects.filter(status="deceased").count() == small + big
    assert ExternalAppointment.objects.filter(clinic=vet).count() == small + big
    moved = ExternalAppointment.objects.get(external_id="a101")
    assert moved.end - moved.start == datetime.timedelta(minutes=45)
    assert moved.staff.key == "sam"
    # The search text follows the practice system's names, as with one-by-one saves.
    assert "bo101" in ClientAccount.objects.get(sync_link__external_id="c101").search_text


@pytest.mark.django_db
def test_a_page_the_database_refuses_whole_is_applied_record_by_record(vet, practice_connection):
    def refused(context):
        raise DatabaseError("clash")

    items = clients(0, 4)
    items.append({"id": "c9", "email": "owner1@example.com"})  # same person, new id
    with mock.patch.dict(apply_module.FLUSH, {"clients": refused}):
        counts = apply_counts(practice_connection, "clients", items)
    assert counts == {"created": 4, "updated": 0, "unchanged": 0, "errors": 1}
    assert ClientLink.objects.filter(clinic=vet).count() == 4
    assert not ClientLink.objects.filter(external_id="c9").exists()


def apply_counts(connection, resource, items):
    connector = connector_for(connection)
    return page_apply(
        connection=connection,
        resource=resource,
        items=items,
        parse=lambda item: connector.parse(resource, item),
    )
