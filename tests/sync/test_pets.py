"""Pets and the practice system: duplicate profiles merge at the next sync whichever
side was edited to match (audited, undone by staff within 30 days); a deceased or
inactive pet leaves the app after the clinic's delay, not at once; staff can reinstate
it and the sync leaves it; no reminder about a deceased pet."""

import datetime

import pytest
from django.utils import timezone

from booking_api.models import Booking, Reminder
from booking_api.services.reminders import reminder_send
from people.models import AuditEntry, Pet, Photo
from people.pet_services import pet_create, pet_update
from sync.errors import SyncError
from sync.models import PetMerge, PetSyncState
from sync.services.pets import pet_merge_undo, pet_reinstate
from sync.services.runner import connection_run
from tests.factories.booking import ServiceFactory, StaffFactory, main_location

pytestmark = pytest.mark.django_db
BORN = datetime.date(2019, 4, 12)


@pytest.fixture
def linked_owner(vet, practice, practice_connection):
    """Riverside's owner as the practice system knows them (client ``c1``)."""
    practice.put(
        "clients",
        {"id": "c1", "email": "mia@example.com", "first_name": "Mia", "last_name": "Ray"},
    )
    run(practice_connection)
    return vet.client_accounts.get(user__email="mia@example.com")


def run(connection, now=None):
    result = connection_run(connection_id=connection.pk, now=now)
    assert result.status == "succeeded", result.error
    return result


def _booking(vet, owner, pet, start=None):
    service = ServiceFactory(clinic=vet)
    staff = StaffFactory(clinic=vet, services=[service])
    start = start or timezone.now().replace(microsecond=0) - datetime.timedelta(days=30)
    return Booking.objects.create(
        clinic=vet,
        client=owner,
        service=service,
        staff=staff,
        location=main_location(vet),
        start=start,
        end=start + datetime.timedelta(minutes=30),
        blocked_start=start,
        blocked_end=start + datetime.timedelta(minutes=30),
        status="booked",
        price=0,
        currency="USD",
        source="portal",
        pet=pet,
    )


def test_a_profile_the_owner_added_merges_into_the_practice_one_accents_and_case_aside(
    vet, linked_owner, practice, practice_connection
):
    mine = pet_create(
        clinic=vet,
        owner=linked_owner,
        name="Zoë",
        species="cat",
        date_of_birth=BORN,
        notes="Hates the car.",
    )
    visit = _booking(vet, linked_owner, mine)
    photo = Photo.objects.create(
        clinic=vet,
        client=linked_owner,
        pet=mine,
        kind="pet",
        image="x.jpg",
        content_type="image/jpeg",
        width=1,
        height=1,
        size=1,
    )
    practice.put(
        "pets",
        {
            "id": "p9",
            "owner_id": "c1",
            "name": "ZOE",
            "species": "feline",
            "date_of_birth": BORN.isoformat(),
        },
    )
    result = run(practice_connection)
    assert result.counts["merged"] == 1

    survivor = Pet.objects.get(clinic=vet, external_id="p9")
    assert list(Pet.objects.filter(owner=linked_owner).current()) == [survivor]
    assert survivor.bookings.get() == visit
    assert survivor.photos.get() == photo
    assert survivor.notes == "Hates the car."
    mine.refresh_from_db()
    assert mine.merged_into == survivor
    merge = PetMerge.objects.get()
    assert (merge.kept, merge.merged) == (survivor, mine)
    assert AuditEntry.objects.filter(client=linked_owner, summary__contains="merged").exists()

    # Staff undo it: two profiles again, each with its own history; the sync leaves them.
    pet_merge_undo(clinic=vet, merge_id=merge.pk, actor=None)
    mine.refresh_from_db()
    assert mine.merged_into is None and mine.active and mine.notes == "Hates the car."
    assert mine.bookings.get() == visit and mine.photos.get() == photo
    survivor.refresh_from_db()
    assert survivor.external_id == "p9" and survivor.notes == ""
    assert run(practice_connection).counts["merged"] == 0
    assert Pet.objects.filter(owner=linked_owner).current().count() == 2
    with pytest.raises(SyncError):
        pet_merge_undo(clinic=vet, merge_id=merge.pk, actor=None)  # once


def test_an_owner_edit_that_makes_the_profiles_match_merges_at_the_next_sync(
    vet, linked_owner, practice, practice_connection
):
    practice.put(
        "pets",
        {
            "id": "p1",
            "owner_id": "c1",
            "name": "Rex",
            "species": "dog",
            "date_of_birth": BORN.isoformat(),
        },
    )
    run(practice_connection)
    mine = pet_create(
        clinic=vet,
        owner=linked_owner,
        name="rex",
        species="dog",
        date_of_birth=BORN - datetime.timedelta(days=1),
    )
    assert run(practice_connection).counts["merged"] == 0
    pet_update(pet=mine, date_of_birth=BORN)
    assert run(practice_connection).counts["merged"] == 1
    assert Pet.objects.get(pk=mine.pk).merged_into.external_id == "p1"


def test_a_new_portal_pet_goes_to_the_practice_system_after_a_day(
    vet, linked_owner, practice, practice_connection
):
    mine = pet_create(
        clinic=vet, owner=linked_owner, name="Nala", species="cat", date_of_birth=BORN
    )
    run(practice_connection)
    assert not practice.data["pets"]
    run(practice_connection, now=timezone.now() + datetime.timedelta(hours=24, minutes=1))
    mine.refresh_from_db()
    sent = practice.data["pets"][mine.external_id]
    assert (sent["owner_id"], sent["name"], sent["date_of_birth"]) == ("c1", "Nala", "2019-04-12")


def test_a_merge_older_than_30_days_cannot_be_undone(
    vet, linked_owner, practice, practice_connection
):
    pet_create(clinic=vet, owner=linked_owner, name="Bo", species="dog", date_of_birth=BORN)
    practice.put(
        "pets",
        {"id": "p2", "owner_id": "c1", "name": "Bo", "date_of_birth": BORN.isoformat()},
    )
    run(practice_connection)
    merge = PetMerge.objects.get()
    with pytest.raises(SyncError):
        pet_merge_undo(
            clinic=vet,
            merge_id=merge.pk,
            actor=None,
            now=merge.merged_at + datetime.timedelta(days=31),
        )
    merge.refresh_from_db()
    assert merge.undone_at is None and merge.merged.merged_into_id == merge.kept_id


def test_a_deceased_pet_leaves_after_the_clinic_delay_and_a_reinstated_one_stays(
    vet, linked_owner, practice, practice_connection
):
    practice.put(
        "pets",
        {
            "id": "p3",
            "owner_id": "c1",
            "name": "Old Tom",
            "species": "cat",
            "date_of_birth": "2008-01-01",
            "status": "active",
        },
    )
    t0 = timezone.now()
    run(practice_connection, now=t0)
    pet = Pet.objects.get(external_id="p3")
    visit = _booking(vet, linked_owner, pet, start=t0 + datetime.timedelta(days=2))
    reminder = Reminder.objects.create(
        booking=visit, kind="24h", for_start=visit.start, due_at=t0 + datetime.timedelta(hours=1)
    )

    practice.edit("pets", "p3", status="deceased")
    run(practice_connection, now=t0)
    pet.refresh_from_db()
    assert pet.active  # not at once
    # …but from now on the owner hears nothing about this pet.
    assert reminder_send(reminder_id=reminder.pk, now=t0 + datetime.timedelta(hours=2)) is False
    reminder.refresh_from_db()
    assert reminder.skipped and reminder.sent_at is None

    run(practice_connection, now=t0 + datetime.timedelta(hours=23, minutes=59))
    pet.refresh_from_db()
    assert pet.active
    result = run(practice_connection, now=t0 + datetime.timedelta(hours=24))
    assert result.counts["removed"] == 1
    pet.refresh_from_db()
    assert not pet.active and pet.deactivated_at is not None

    pet_reinstate(clinic=vet, pet_id=pet.pk, actor=None)
    pet.refresh_from_db()
    assert pet.active
    assert AuditEntry.objects.filter(client=linked_owner, summary__contains="reinstated").exists()
    # The practice system still says deceased: the next syncs leave the pet in the app.
    run(practice_connection, now=t0 + datetime.timedelta(days=3))
    pet.refresh_from_db()
    assert pet.active
    assert PetSyncState.objects.get(pet=pet).reinstated_at is not None


def test_an_inactive_pet_follows_the_clinic_delay_and_returns_when_active_again(
    vet, linked_owner, practice, practice_connection
):
    practice_connection.pet_removal_hours = 48
    practice_connection.save()
    practice.put("pets", {"id": "p4", "owner_id": "c1", "name": "Pip", "status": "inactive"})
    t0 = timezone.now()
    run(practice_connection, now=t0)
    pet = Pet.objects.get(external_id="p4")
    run(practice_connection, now=t0 + datetime.timedelta(hours=47))
    pet.refresh_from_db()
    assert pet.active
    run(practice_connection, now=t0 + datetime.timedelta(hours=48))
    pet.refresh_from_db()
    assert not pet.active
    practice.edit("pets", "p4", status="active")
    run(practice_connection, now=t0 + datetime.timedelta(hours=50))
    pet.refresh_from_db()
    assert pet.active


def test_staff_cannot_reinstate_a_pet_the_sync_did_not_take_out(vet, linked_owner):
    pet = pet_create(clinic=vet, owner=linked_owner, name="Fido", species="dog")
    with pytest.raises(SyncError):
        pet_reinstate(clinic=vet, pet_id=pet.pk, actor=None)
