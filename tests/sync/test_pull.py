"""Pulling from a practice system that speaks the REST/JSON contract (docs/sync.md):
incremental, idempotent, resumable after a worker dies mid-page, per-record errors
skipped and shown, retries and back-off that only ever delay the broken clinic."""

import datetime
from unittest import mock

import pytest
from django.utils import timezone

from booking_api.availability import find_slots
from people.models import ClientAccount, Pet
from sync.models import ClientLink, ExternalAppointment, SyncCursor, SyncRecordError
from sync.services import apply as apply_module
from sync.services.runner import connection_run
from tests.factories.booking import ServiceFactory, StaffFactory

UTC = datetime.UTC


def seed(practice, clients=3, pets_each=1):
    for n in range(1, clients + 1):
        practice.put(
            "clients",
            {
                "id": f"c{n}",
                "email": f"owner{n}@example.com",
                "first_name": f"Ann{n}",
                "last_name": "Lee",
                "phone": "",
            },
        )
        for p in range(pets_each):
            practice.put(
                "pets",
                {
                    "id": f"p{n}-{p}",
                    "owner_id": f"c{n}",
                    "name": f"Rex{n}{p}",
                    "species": "Canine",
                    "date_of_birth": f"2020-01-0{p + 1}",
                    "status": "active",
                },
            )


def run(connection, **kwargs):
    return connection_run(connection_id=connection.pk, **kwargs)


def test_first_run_brings_clients_and_pets_and_a_rerun_changes_nothing(
    vet, practice, practice_connection
):
    seed(practice, clients=3)
    first = run(practice_connection)
    assert first.status == "succeeded", first.error
    assert first.counts["clients"]["created"] == 3
    assert first.counts["pets"]["created"] == 3
    assert set(ClientAccount.objects.filter(clinic=vet).values_list("user__email", flat=True)) == {
        "owner1@example.com",
        "owner2@example.com",
        "owner3@example.com",
    }
    pet = Pet.objects.get(clinic=vet, external_id="p1-0")
    assert (pet.name, pet.species, pet.owner.user.email) == ("Rex10", "dog", "owner1@example.com")

    # What the practice system received: the API key, then paging from the start.
    gets = [r for r in practice.requests if r["method"] == "GET"]
    assert gets[0]["path"] == "/clients"
    assert gets[0]["query"] == {"limit": "200"}
    assert gets[0]["headers"]["Authorization"] == "Bearer test-key"

    practice.requests.clear()
    second = run(practice_connection)
    assert second.status == "succeeded"
    assert second.counts["clients"] == {"created": 0, "updated": 0, "unchanged": 0, "errors": 0}
    assert ClientAccount.objects.filter(clinic=vet).count() == 3
    assert Pet.objects.filter(clinic=vet).count() == 3
    # Incremental: the second run asks from where the first ended.
    client_get = next(r for r in practice.requests if r["path"] == "/clients")
    assert client_get["query"]["cursor"] == SyncCursor.objects.get(resource="clients").cursor

    # A change in the practice system arrives, and the practice system wins.
    practice.edit("pets", "p1-0", name="Rexy")
    third = run(practice_connection)
    assert third.counts["pets"]["updated"] == 1
    pet.refresh_from_db()
    assert pet.name == "Rexy"


def test_applying_the_same_page_twice_changes_nothing(vet, practice, practice_connection):
    seed(practice, clients=2)
    run(practice_connection)
    SyncCursor.objects.filter(connection=practice_connection).update(cursor="")
    again = run(practice_connection)
    assert again.counts["clients"]["unchanged"] == 2
    assert again.counts["pets"]["unchanged"] == 2
    assert ClientAccount.objects.filter(clinic=vet).count() == 2
    assert ClientLink.objects.filter(clinic=vet).count() == 2
    assert Pet.objects.filter(clinic=vet).count() == 2


def test_a_worker_killed_mid_page_resumes_without_duplicates_or_losses(
    vet, practice, practice_connection
):
    seed(practice, clients=5, pets_each=0)
    practice_connection.page_size = 2
    practice_connection.save()
    real = apply_module.APPLIERS["clients"]
    calls = {"n": 0}

    def dies_on_the_fourth(context, record):
        calls["n"] += 1
        if calls["n"] == 4:  # second page, second record: the worker dies here
            raise SystemExit("worker killed")
        return real(context, record)

    with (
        mock.patch.dict(apply_module.APPLIERS, {"clients": dies_on_the_fourth}),
        pytest.raises(SystemExit),
    ):
        run(practice_connection)
    # The first page is in, with its cursor; nothing of the second page is.
    assert ClientAccount.objects.filter(clinic=vet).count() == 2
    cursor = SyncCursor.objects.get(connection=practice_connection, resource="clients")
    assert cursor.cursor == "2"
    # The dead worker's claim holds off another run for a while, then expires.
    assert run(practice_connection) is None
    later = timezone.now() + datetime.timedelta(minutes=3)
    rerun = run(practice_connection, now=later)
    assert rerun.status == "succeeded", rerun.error
    emails = sorted(ClientAccount.objects.filter(clinic=vet).values_list("user__email", flat=True))
    assert emails == [f"owner{n}@example.com" for n in range(1, 6)]
    assert ClientLink.objects.filter(clinic=vet).count() == 5


def test_bad_records_are_skipped_named_and_the_rest_goes_on(vet, practice, practice_connection):
    seed(practice, clients=2)
    practice.raw_items["clients"] = [
        "garbage",
        {"id": 77, "email": "owner1@example.com", "first_name": "Dup"},  # same person, new id
    ]
    practice.raw_items["pets"] = [
        {"id": "p-bad", "owner_id": "c1", "name": "Tom", "date_of_birth": "yesterday"},
        {"id": "p-orphan", "owner_id": "nobody", "name": "Tom", "species": "cat"},
    ]
    result = run(practice_connection)
    assert result.status == "succeeded"
    assert result.counts["clients"]["errors"] == 2
    assert result.counts["pets"]["errors"] == 2
    errors = {(e.resource, e.external_id): e.message for e in SyncRecordError.objects.all()}
    assert "not a JSON object" in next(v for (r, k), v in errors.items() if k.startswith("#"))
    assert "Duplicate" in errors[("clients", "77")]
    assert "date_of_birth" in errors[("pets", "p-bad")]
    assert "Missing owner" in errors[("pets", "p-orphan")]
    # The good records went in; the bad ones wrote nothing.
    assert ClientAccount.objects.filter(clinic=vet).count() == 2
    assert set(Pet.objects.filter(clinic=vet).values_list("external_id", flat=True)) == {
        "p1-0",
        "p2-0",
    }
    # Seen again, an error is counted, not repeated.
    SyncCursor.objects.all().update(cursor="")
    run(practice_connection)
    assert SyncRecordError.objects.count() == 4
    assert SyncRecordError.objects.get(external_id="p-orphan").occurrences == 2


def test_a_failing_remote_is_retried_then_backs_off_without_delaying_another_clinic(
    vet, clinic, practice, practice_connection
):
    from sync.services.connections import connection_save
    from sync.tasks import queue_due

    seed(practice, clients=1)
    practice.fail_next = 2  # two 500s, then the answer: retried within the run
    ok = run(practice_connection)
    assert ok.status == "succeeded", ok.error
    assert ClientAccount.objects.filter(clinic=vet).count() == 1

    # Glow's practice system is down for good.
    broken = connection_save(
        clinic=clinic, kind="rest", base_url="http://127.0.0.1:9", credentials={"api_key": "k"}
    )
    practice.edit("clients", "c1", first_name="Annie")
    now = timezone.now()
    type(broken).objects.update(next_run_at=now)
    with mock.patch("sync.tasks.queue_run") as queued:
        assert queue_due(now) == 2
    # One task per clinic: each is run on its own.
    for call in queued.call_args_list:
        run_id = call.args[0]
        connection_run(connection_id=run_id)
    broken.refresh_from_db()
    assert broken.failures == 1 and "127.0.0.1:9" in broken.last_error
    assert broken.next_run_at > timezone.now()
    assert ClientAccount.objects.get(clinic=vet).user.first_name == "Annie"
    # Not due again until its back-off has passed; Riverside's next run is not held up.
    with mock.patch("sync.tasks.queue_run") as queued:
        queue_due(timezone.now() + datetime.timedelta(minutes=5, seconds=1))
    assert [c.args[0] for c in queued.call_args_list] == [practice_connection.pk, broken.pk]


def test_practice_appointments_block_availability_like_bookings(
    vet, practice, practice_connection, open_policy_vet
):
    service = ServiceFactory(clinic=vet, duration_minutes=30, slot_step_minutes=30)
    sam = StaffFactory(clinic=vet, key="sam", services=[service])
    seed(practice, clients=1)
    day = timezone.localdate() + datetime.timedelta(days=7)
    tz = datetime.timezone(datetime.timedelta(hours=-5))
    start = datetime.datetime.combine(day, datetime.time(10), tzinfo=tz)
    before = {s.start for s in find_slots(clinic=vet, service=service, date_from=day, date_to=day)}
    assert start in before
    practice.put(
        "appointments",
        {
            "id": "a1",
            "client_id": "c1",
            "resource_id": "r1",
            "start": start.isoformat(),
            "end": (start + datetime.timedelta(minutes=30)).isoformat(),
            "status": "booked",
        },
    )
    run(practice_connection)
    appointment = ExternalAppointment.objects.get(external_id="a1")
    assert appointment.staff == sam and appointment.client.user.email == "owner1@example.com"
    after = {s.start for s in find_slots(clinic=vet, service=service, date_from=day, date_to=day)}
    assert before - after == {start}
    # Cancelled there: free again here.
    practice.edit("appointments", "a1", status="cancelled")
    run(practice_connection)
    again = {s.start for s in find_slots(clinic=vet, service=service, date_from=day, date_to=day)}
    assert again == before


@pytest.fixture
def open_policy_vet(vet):
    from branding.services import policy_update

    policy_update(clinic=vet, min_notice_minutes=0, max_advance_days=365)
    return vet


def test_an_idle_incremental_run_costs_a_constant_number_of_queries(
    vet, practice, practice_connection
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def idle_queries():
        with CaptureQueriesContext(connection) as captured:
            assert run(practice_connection).counts["clients"]["created"] == 0
        return len(captured)

    seed(practice, clients=2)
    run(practice_connection)
    small = idle_queries()
    seed(practice, clients=12)
    run(practice_connection)
    assert idle_queries() == small


def test_one_id_twice_in_a_page_with_different_values_is_named(vet, practice, practice_connection):
    practice.raw_items["clients"] = [
        {"id": "c9", "email": "nine@example.com", "first_name": "Nina"},
        {"id": "c9", "email": "nine@example.com", "first_name": "Nora"},
    ]
    result = run(practice_connection)
    assert result.counts["clients"] == {"created": 1, "updated": 0, "unchanged": 0, "errors": 1}
    error = SyncRecordError.objects.get(external_id="c9")
    assert "appears twice" in error.message
    assert ClientAccount.objects.get(clinic=vet).user.first_name == "Nina"
