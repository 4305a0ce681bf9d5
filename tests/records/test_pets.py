"""Pets: the owner's /pets/ page, the staff Pets tab, merge, the wizard's pet choice and
the practice import. Another person's (or clinic's) pet is never reachable."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from booking_api.models import Booking
from booking_api.services import booking_cancel
from booking_api.services.messages import client_cancelled_message
from branding.importing import import_clinic_file
from branding.services import features_update
from people.models import AuditEntry, Pet, Photo
from people.pet_services import PetError, pet_merge
from tests.factories.booking import ServiceFactory, StaffFactory, main_location
from tests.factories.clients import ClientAccountFactory, MembershipFactory
from tests.factories.records import PetFactory, image_bytes, upload
from tests.fixtures.booking import first_free_slot
from tests.fixtures.clinics import host_client

pytestmark = pytest.mark.django_db


def tab_url(account):
    return reverse("clinic_workspace:client_detail", kwargs={"pk": account.pk}) + "?tab=pets"


def staff_url(name, account, **kwargs):
    return reverse(f"client_records:{name}", kwargs={"client_pk": account.pk, **kwargs})


def test_owner_adds_a_pet_and_sees_its_notes_on_the_card(vet_portal, owner):
    response = vet_portal.post(
        "/pets/add/",
        {
            "name": "Biscuit",
            "species": "dog",
            "breed": "Beagle",
            "date_of_birth": "2019-04-12",
            "notes": "Loves cheese",
        },
    )
    assert response.status_code == 302
    pet = Pet.objects.get(owner=owner)
    assert (pet.name, pet.breed, pet.date_of_birth) == (
        "Biscuit",
        "Beagle",
        datetime.date(2019, 4, 12),
    )
    page = vet_portal.get("/pets/").content.decode()
    assert "Biscuit" in page and "Loves cheese" in page
    # The flip is a real, focusable control tied to the back of the card.
    assert f'id="flip-pet-{pet.pk}"' in page and f'aria-controls="pet-pet-{pet.pk}-back"' in page


def test_a_birth_date_in_the_future_is_refused_naming_the_field(vet_portal, owner):
    tomorrow = timezone.localdate() + datetime.timedelta(days=2)
    response = vet_portal.post(
        "/pets/add/", {"name": "Biscuit", "species": "dog", "date_of_birth": tomorrow.isoformat()}
    )
    assert response.status_code == 200
    assert "date_of_birth" in response.context["form"].errors
    assert "future" in response.content.decode()
    assert not Pet.objects.exists()


def test_pets_page_is_gone_when_the_feature_is_off(clinic, patient):
    browser = host_client(clinic)
    browser.force_login(patient.user)
    assert browser.get("/pets/").status_code == 404


def test_another_owners_or_clinics_pet_is_not_found_anywhere(
    vet, owner, vet_portal, vet_admin, glow_on
):
    neighbour_pet = PetFactory(owner=ClientAccountFactory(clinic=vet), name="Rex")
    assert vet_portal.get(f"/pets/{neighbour_pet.pk}/").status_code == 404
    assert (
        vet_portal.post(
            f"/pets/{neighbour_pet.pk}/", {"name": "Mine", "species": "cat"}
        ).status_code
        == 404
    )
    neighbour_pet.refresh_from_db()
    assert neighbour_pet.name == "Rex"

    # Staff of Glow, on Glow's admin, cannot reach Riverside's client or pet by id.
    glow_staff = host_client(glow_on)
    glow_staff.force_login(MembershipFactory(clinic=glow_on, role="manager").user)
    own_pet = PetFactory(owner=owner)
    for name, kwargs in (("pet_edit", {"pet_id": own_pet.pk}), ("pet_add", {})):
        assert glow_staff.get(staff_url(name, owner, **kwargs)).status_code == 404
    response = glow_staff.post(staff_url("pet_deactivate", owner, pet_id=own_pet.pk))
    assert response.status_code == 404
    own_pet.refresh_from_db()
    assert own_pet.active

    # Riverside staff: a pet id that is not this client's is 404 even within the clinic.
    assert vet_admin.get(staff_url("pet_edit", owner, pet_id=neighbour_pet.pk)).status_code == 404


def test_staff_add_edit_and_remove_a_pet_which_is_then_listed_as_inactive(
    vet_admin, owner, vet_portal
):
    response = vet_admin.post(
        staff_url("pet_add", owner), {"name": "Pepper", "species": "rabbit", "notes": "Hay only"}
    )
    assert response.status_code == 302
    pet = Pet.objects.get(owner=owner)
    vet_admin.post(
        staff_url("pet_edit", owner, pet_id=pet.pk),
        {"name": "Pepper", "species": "rabbit", "breed": "Lop", "notes": "Hay only"},
    )
    pet.refresh_from_db()
    assert pet.breed == "Lop"
    vet_admin.post(staff_url("pet_deactivate", owner, pet_id=pet.pk))
    pet.refresh_from_db()
    assert not pet.active and pet.deactivated_at

    page = vet_admin.get(tab_url(owner)).content.decode()
    assert 'data-pets="inactive"' in page and "Pepper" in page
    # The owner's portal: gone, unless the clinic keeps a "No longer with us" page.
    assert "Pepper" not in vet_portal.get("/pets/").content.decode()
    features_update(clinic=owner.clinic, pet_memorial=True)
    portal_page = vet_portal.get("/pets/")
    assert "Pepper" in portal_page.content.decode()
    assert [p.pk for p in portal_page.context["inactive_pets"]] == [pet.pk]
    assert portal_page.context["active_pets"] == []
    summaries = list(AuditEntry.objects.filter(client=owner).values_list("summary", flat=True))
    assert "Added pet Pepper" in summaries
    assert "Removed pet Pepper from the app" in summaries
    assert any(s == "Edited pet Pepper" for s in summaries)


@pytest.fixture
def vet_service(vet):
    service = ServiceFactory(clinic=vet, name="Wellness exam")
    staff = StaffFactory(clinic=vet, services=[service])
    return service, staff


def _booking(vet, owner, pet, service, staff, days_ago):
    start = timezone.now().replace(microsecond=0) - datetime.timedelta(days=days_ago)
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
        status="completed",
        price=100,
        currency="USD",
        source="import",
        pet=pet,
    )


def test_merge_moves_bookings_and_photos_to_the_kept_profile(
    vet, owner, vet_admin, vet_portal, vet_service
):
    born = datetime.date(2019, 4, 12)
    imported = PetFactory(owner=owner, name="Biscuit", date_of_birth=born, external_id="PMS-1")
    added = PetFactory(owner=owner, name="biscuit", date_of_birth=born, notes="Loves cheese")
    bookings = [
        _booking(vet, owner, pet, *vet_service, days)
        for pet, days in ((imported, 30), (added, 10), (added, 5))
    ]
    vet_portal.post("/photos/", {"image": upload(), "pet": added.pk})
    photo = Photo.objects.get(pet=added)

    page = vet_admin.get(tab_url(owner)).content.decode()
    assert "data-pet-duplicates" in page  # staff are offered the merge
    response = vet_admin.post(
        staff_url("pet_merge", owner), {"keep": imported.pk, "duplicate": added.pk}
    )
    assert response.status_code == 302

    assert set(Booking.objects.filter(pet=imported).values_list("pk", flat=True)) == {
        b.pk for b in bookings
    }
    photo.refresh_from_db()
    imported.refresh_from_db()
    added.refresh_from_db()
    assert photo.pet_id == imported.pk
    assert imported.notes == "Loves cheese" and imported.photo_id == photo.pk
    assert imported.external_id == "PMS-1" and imported.active
    assert added.merged_into_id == imported.pk and not added.active
    # The merged profile is listed nowhere any more.
    assert [p.pk for p in vet_portal.get("/pets/").context["active_pets"]] == [imported.pk]
    assert vet_portal.get("/pets/").context["inactive_pets"] == []
    assert AuditEntry.objects.filter(client=owner, summary__startswith="Merged pet").exists()


def test_merge_keeps_both_profiles_notes(owner):
    """The owner wrote notes on both profiles: the kept one carries both, nothing the
    owner wrote is lost with the merged profile (which is shown nowhere any more)."""
    born = datetime.date(2019, 4, 12)
    keep = PetFactory(owner=owner, name="Biscuit", date_of_birth=born, notes="Nervous at the vet")
    duplicate = PetFactory(
        owner=owner, name="Biscuit", date_of_birth=born, notes="Allergic to chicken"
    )
    same = PetFactory(owner=owner, name="Biscuit", date_of_birth=born, notes="Nervous at the vet")

    kept = pet_merge(keep=keep, duplicate=duplicate)
    assert "Nervous at the vet" in kept.notes and "Allergic to chicken" in kept.notes
    # the same words on both profiles are not repeated
    kept = pet_merge(keep=kept, duplicate=same)
    assert kept.notes.count("Nervous at the vet") == 1
    keep.refresh_from_db()
    assert keep.notes == kept.notes


def test_profiles_with_different_birth_dates_are_not_merged(owner):
    a = PetFactory(owner=owner, name="Biscuit", date_of_birth=datetime.date(2019, 4, 12))
    b = PetFactory(owner=owner, name="Biscuit", date_of_birth=datetime.date(2020, 4, 12))
    with pytest.raises(PetError) as caught:
        pet_merge(keep=a, duplicate=b)
    assert caught.value.field == "duplicate"
    b.refresh_from_db()
    assert b.merged_into_id is None


def test_the_wizard_books_for_the_chosen_pet_and_refuses_someone_elses(
    vet, owner, vet_portal, vet_service
):
    from branding.errors import DomainError
    from portal_pages.services import portal_booking_create

    service, staff = vet_service
    mine = PetFactory(owner=owner, name="Biscuit")
    theirs = PetFactory(owner=ClientAccountFactory(clinic=vet), name="Rex")
    from booking_api.availability import find_slots

    today = timezone.localdate()
    slots = find_slots(
        clinic=vet, service=service, date_from=today, date_to=today + datetime.timedelta(days=14)
    )
    assert slots, "the test service needs free slots"
    with pytest.raises(DomainError) as caught:
        portal_booking_create(
            clinic=vet, service=service, start=slots[0].start, user=owner.user, pet_id=theirs.pk
        )
    assert caught.value.field == "pet"
    assert not Booking.objects.exists()

    page = vet_portal.get(
        reverse("portal:book_confirm"),
        {"service": service.pk, "t": int(slots[0].start.timestamp())},
    )
    assert "Which pet is the appointment for?" in page.content.decode()
    response = vet_portal.post(
        reverse("portal:book_confirm"),
        {
            "service": service.pk,
            "staff": "any",
            "t": int(slots[0].start.timestamp()),
            "notes": "",
            "pet": mine.pk,
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    assert Booking.objects.get().pet_id == mine.pk


def _first_slot(vet, service):
    return first_free_slot(vet, service)


def test_a_client_without_pets_names_theirs_when_booking_and_sees_it_everywhere(
    vet, owner, vet_portal, vet_service, django_capture_on_commit_callbacks
):
    from django.core import mail

    service, _staff = vet_service
    start = _first_slot(vet, service)
    page = vet_portal.get(
        reverse("portal:book_confirm"), {"service": service.pk, "t": int(start.timestamp())}
    ).content.decode()
    assert "Your pet&#x27;s name" in page or "Your pet's name" in page
    assert "Which pet is the appointment for?" not in page
    with django_capture_on_commit_callbacks(execute=True):
        response = vet_portal.post(
            reverse("portal:book_confirm"),
            {
                "service": service.pk,
                "staff": "any",
                "t": int(start.timestamp()),
                "notes": "",
                "pet_name": "Biscuit",
                "pet_species": "dog",
            },
        )
    assert response.status_code == 302, response.content.decode()[:2000]
    booking = Booking.objects.get()
    pet = Pet.objects.get(owner=owner)
    assert (pet.name, pet.species, booking.pet_id) == ("Biscuit", "dog", pet.pk)
    # Named on the confirmation page and in the confirmation email.
    done = vet_portal.get(response["Location"], follow=True).content.decode()
    assert "<dt>For</dt><dd>Biscuit</dd>" in done
    confirmation = [m for m in mail.outbox if owner.user.email in m.to][-1]
    assert "For Biscuit" in confirmation.body
    # And in the cancellation email, after what was cancelled (not in the greeting).
    cancelled = client_cancelled_message(booking_cancel(booking=booking)).body
    assert cancelled.startswith(f"Hello {owner.user.first_name},\n\n")
    assert "has been cancelled. For Biscuit.\n" in cancelled


def test_a_bad_pet_name_is_refused_naming_the_field_and_nothing_is_written(
    vet, owner, vet_portal, vet_service
):
    service, _staff = vet_service
    start = _first_slot(vet, service)
    response = vet_portal.post(
        reverse("portal:book_confirm"),
        {
            "service": service.pk,
            "staff": "any",
            "t": int(start.timestamp()),
            "pet_name": "<b>Rex</b>",
            "pet_species": "dog",
        },
    )
    assert response.status_code == 200
    assert response.context["form"].errors.get("pet_name")
    assert not Booking.objects.exists() and not Pet.objects.exists()


def test_a_new_visitors_pet_joins_their_new_account_and_the_booking(vet, vet_service):
    """Issue 19: the pet a new client names is their pet (the notes stay theirs); an
    existing account's pets are in tests/portal/test_guest_pet.py."""
    service, _staff = vet_service
    start = _first_slot(vet, service)
    visitor = host_client(vet)
    response = visitor.post(
        reverse("portal:book_confirm"),
        {
            "service": service.pk,
            "staff": "any",
            "t": int(start.timestamp()),
            "name": "Sam Visitor",
            "email": "sam@example.com",
            "phone": "+44 7700 900777",
            "notes": "First visit",
            "pet_name": "Pip",
            "pet_species": "cat",
        },
    )
    assert response.status_code == 302, response.context["form"].errors
    booking = Booking.objects.get()
    assert booking.client_notes == "First visit"
    pet = Pet.objects.get()
    assert (pet.name, pet.owner_id, booking.pet_id) == ("Pip", booking.client_id, pet.pk)


PETS_FILE = """
clinic:
  name: Hilltop Vets
  slug: hilltop
  domain: hilltop.localhost
  timezone: Europe/London
  currency: GBP
  features: {pets: true}
clients:
  - {key: ann, name: Ann Lee, email: ann@example.com}
pets:
  - {external_id: "PMS-1", owner: ann, name: Biscuit, species: dog, breed: Beagle,
     date_of_birth: 2019-04-12, notes: "Loves cheese"}
  - {external_id: "PMS-2", owner: ann, name: Old Tom, species: cat, active: false}
"""


def test_the_import_upserts_pets_by_their_practice_id(tmp_path):
    path = tmp_path / "hilltop.yaml"
    path.write_text(PETS_FILE)
    import_clinic_file(path)
    pets = {p.external_id: p for p in Pet.objects.all()}
    assert pets["PMS-1"].name == "Biscuit" and pets["PMS-1"].owner.user.email == "ann@example.com"
    assert pets["PMS-1"].date_of_birth == datetime.date(2019, 4, 12) and pets["PMS-1"].active
    assert not pets["PMS-2"].active
    path.write_text(PETS_FILE.replace("Beagle", "Beagle cross"))
    import_clinic_file(path)
    assert Pet.objects.count() == 2
    assert Pet.objects.get(external_id="PMS-1").breed == "Beagle cross"


def test_an_import_naming_an_unknown_owner_writes_nothing(tmp_path):
    from branding.importing import ImportFileError

    path = tmp_path / "hilltop.yaml"
    path.write_text(PETS_FILE.replace("owner: ann, name: Biscuit", "owner: bob, name: Biscuit"))
    with pytest.raises(ImportFileError) as caught:
        import_clinic_file(path)
    assert "pets[0].owner" in str(caught.value)
    assert not Pet.objects.exists()


def test_the_riverside_demo_file_lists_pets_for_its_clients():
    """The demo file's pets name clients of that file (checked without importing it all)."""
    from pathlib import Path

    import yaml

    doc = yaml.safe_load(
        (Path(__file__).resolve().parents[2] / "demo" / "riverside.yaml").read_text()
    )
    clients = {c["key"] for c in doc["clients"]}
    assert len(doc["pets"]) >= 2 and {p["owner"] for p in doc["pets"]} <= clients
    assert doc["clinic"]["features"]["pets"] is True


def test_staff_forms_render(vet_admin, owner):
    pet = PetFactory(owner=owner, name="Biscuit")
    assert vet_admin.get(staff_url("pet_add", owner)).status_code == 200
    page = vet_admin.get(staff_url("pet_edit", owner, pet_id=pet.pk))
    assert page.status_code == 200 and 'value="Biscuit"' in page.content.decode()
    assert (
        vet_admin.get(
            reverse("client_records:message_new", kwargs={"client_pk": owner.pk})
        ).status_code
        == 200
    )


def test_a_therapist_cannot_use_the_client_record_screens(vet, owner):
    therapist = host_client(vet)
    therapist.force_login(MembershipFactory(clinic=vet, role="therapist").user)
    # Wagtail answers a refused admin page by sending the person back to the dashboard.
    assert therapist.get(staff_url("pet_add", owner)).status_code in (302, 403)
    response = therapist.post(
        staff_url("message_new", owner), {"kind": "chat", "subject": "x", "body": "y"}
    )
    assert response.status_code in (302, 403)
    from records.models import MessageThread

    assert not MessageThread.objects.exists()


def test_the_api_books_for_the_clients_own_pet_and_refuses_anyone_elses(vet, owner, vet_service):
    from rest_framework.test import APIClient

    from booking_api.availability import find_slots

    service, staff = vet_service
    mine = PetFactory(owner=owner, name="Biscuit")
    theirs = PetFactory(owner=ClientAccountFactory(clinic=vet), name="Rex")
    today = timezone.localdate()
    slots = find_slots(
        clinic=vet, service=service, date_from=today, date_to=today + datetime.timedelta(days=14)
    )
    api = host_client(vet, APIClient)
    api.force_authenticate(owner.user)
    body = {"service": str(service.pk), "start": slots[0].start.isoformat()}

    for foreign in (theirs.pk, 999999):  # another client's pet, or no pet at all
        response = api.post("/api/v1/bookings", {**body, "pet": foreign}, format="json")
        assert response.status_code == 400, response.content
        assert response.json()["field"] == "pet"
        assert response.json()["code"] == "not_your_pet"
    assert not Booking.objects.exists()

    response = api.post("/api/v1/bookings", {**body, "pet": mine.pk}, format="json")
    assert response.status_code == 201, response.content
    assert response.json()["pet"] == mine.pk
    assert Booking.objects.get().pet_id == mine.pk


# --- Pet photos on the pet form, whatever the selfies toggle ------------------------------


@pytest.fixture
def selfies_off(vet):
    from branding.services import features_update

    features_update(clinic=vet, pets=True, selfies=False)
    return vet


def test_with_selfies_off_the_owner_sets_a_pet_photo_on_the_pet_form(
    selfies_off, vet_portal, owner
):
    import io

    from PIL import Image

    exif = Image.Exif()
    exif[0x010F] = "SpyCam"
    jpeg = upload("rex.jpg", image_bytes("JPEG", exif=exif))
    assert vet_portal.get("/photos/").status_code == 404  # selfies are off
    page = vet_portal.get("/pets/add/").content.decode()
    assert 'enctype="multipart/form-data"' in page and 'name="photo_file"' in page
    response = vet_portal.post("/pets/add/", {"name": "Rex", "species": "dog", "photo_file": jpeg})
    assert response.status_code == 302, response.context and response.context["form"].errors
    pet = Pet.objects.get(owner=owner, name="Rex")
    assert pet.photo is not None and pet.photo.kind == "pet" and pet.photo.pet == pet
    served = vet_portal.get(f"/photos/{pet.photo_id}/image")
    assert served.status_code == 200
    body = b"".join(served.streaming_content)
    assert b"SpyCam" not in body and Image.open(io.BytesIO(body)).getexif() == {}
    assert f"/photos/{pet.photo_id}/image" in vet_portal.get("/pets/").content.decode()

    # Editing: a new photo replaces it.
    second = upload("rex2.png", image_bytes("PNG"), content_type="image/png")
    response = vet_portal.post(
        f"/pets/{pet.pk}/", {"name": "Rex", "species": "dog", "photo_file": second}
    )
    assert response.status_code == 302
    pet.refresh_from_db()
    assert pet.photo.content_type == "image/png" and Photo.objects.filter(pet=pet).count() == 2


def test_a_bad_pet_photo_is_named_and_nothing_is_written(selfies_off, vet_portal, owner, settings):
    pet = PetFactory(clinic=selfies_off, owner=owner, name="Rex")
    before = (Pet.objects.count(), Photo.objects.count())
    response = vet_portal.post(
        "/pets/add/", {"name": "Bella", "species": "dog", "photo_file": upload("x.jpg", b"text")}
    )
    assert response.status_code == 200
    assert "not an image" in response.context["form"].errors["photo_file"][0]
    response = vet_portal.post(
        f"/pets/{pet.pk}/",
        {"name": "Renamed", "species": "cat", "photo_file": upload("x.jpg", b"text")},
    )
    assert response.status_code == 200 and response.context["form"].errors["photo_file"]
    assert (Pet.objects.count(), Photo.objects.count()) == before
    pet.refresh_from_db()
    assert (pet.name, pet.species, pet.photo_id) == ("Rex", "dog", None)


def test_with_selfies_off_only_pet_photos_are_served(selfies_off, vet_portal, owner):
    from people.models import PhotoKind
    from people.photo_services import pet_photo_set

    pet = PetFactory(clinic=selfies_off, owner=owner, name="Rex")
    pet_photo = pet_photo_set(clinic=selfies_off, client=owner, pet=pet, image=upload())
    selfie = Photo.objects.create(
        clinic=selfies_off,
        client=owner,
        kind=PhotoKind.SELFIE,
        image=pet_photo.image.name,
        content_type="image/jpeg",
        width=1,
        height=1,
        size=1,
    )
    assert vet_portal.get(f"/photos/{pet_photo.pk}/image").status_code == 200
    assert vet_portal.get(f"/photos/{selfie.pk}/image").status_code == 404
    stranger = host_client(selfies_off)
    stranger.force_login(ClientAccountFactory(clinic=selfies_off).user)
    assert stranger.get(f"/photos/{pet_photo.pk}/image").status_code == 404


def test_someone_elses_pet_gets_no_photo(selfies_off, vet_portal, owner):
    from people.photo_services import PhotoError, pet_photo_set

    theirs = PetFactory(clinic=selfies_off, owner=ClientAccountFactory(clinic=selfies_off))
    with pytest.raises(PhotoError) as error:
        pet_photo_set(clinic=selfies_off, client=owner, pet=theirs, image=upload())
    assert error.value.field == "pet" and not Photo.objects.exists()
    assert (
        vet_portal.post(
            f"/pets/{theirs.pk}/", {"name": "Mine", "species": "dog", "photo_file": upload()}
        ).status_code
        == 404
    )
    assert not Photo.objects.exists()


def test_an_owner_with_a_pet_may_book_for_another_pet_which_joins_their_pets(
    vet, owner, vet_portal, vet_service
):
    service, _staff = vet_service
    biscuit = PetFactory(owner=owner, name="Biscuit")
    start = _first_slot(vet, service)
    page = vet_portal.get(
        reverse("portal:book_confirm"), {"service": service.pk, "t": int(start.timestamp())}
    )
    field = page.context["form"].fields["pet"]
    assert field.initial == str(biscuit.pk)  # the only pet is chosen already
    assert ("new", "Another pet") in [(v, str(label)) for v, label in field.choices]
    post = {"service": service.pk, "staff": "any", "t": int(start.timestamp()), "notes": ""}

    # "Another pet" without a name: refused naming the field, nothing written.
    response = vet_portal.post(reverse("portal:book_confirm"), {**post, "pet": "new"})
    assert response.status_code == 200
    assert response.context["form"].errors.get("pet_name")
    assert not Booking.objects.exists() and Pet.objects.filter(owner=owner).count() == 1

    response = vet_portal.post(
        reverse("portal:book_confirm"),
        {**post, "pet": "new", "pet_name": "Mochi", "pet_species": "cat"},
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    mochi = Pet.objects.get(owner=owner, name="Mochi")
    assert mochi.species == "cat" and Booking.objects.get().pet_id == mochi.pk


def test_a_chosen_pet_ignores_a_name_typed_for_another(vet, owner, vet_portal, vet_service):
    service, _staff = vet_service
    biscuit = PetFactory(owner=owner, name="Biscuit")
    start = _first_slot(vet, service)
    response = vet_portal.post(
        reverse("portal:book_confirm"),
        {
            "service": service.pk,
            "staff": "any",
            "t": int(start.timestamp()),
            "pet": biscuit.pk,
            "pet_name": "Mochi",
            "pet_species": "cat",
        },
    )
    assert response.status_code == 302
    assert Booking.objects.get().pet_id == biscuit.pk
    assert list(Pet.objects.filter(owner=owner)) == [biscuit]


def test_the_wizard_chooses_the_pet_booked_for_last_when_there_are_several(
    vet, owner, vet_portal, vet_service
):
    """Found at the vet: with two pets nothing was chosen, though the owner books for the
    same one each time. The pet last booked for is chosen already (still changeable)."""
    from bs4 import BeautifulSoup

    service, staff = vet_service
    PetFactory(owner=owner, name="Biscuit")
    mochi = PetFactory(owner=owner, name="Mochi")
    _booking(vet, owner, mochi, service, staff, days_ago=30)
    start = _first_slot(vet, service)
    page = vet_portal.get(
        reverse("portal:book_confirm"), {"service": service.pk, "t": int(start.timestamp())}
    )
    checked = BeautifulSoup(page.content, "html.parser").select('input[name="pet"][checked]')
    assert [radio["value"] for radio in checked] == [str(mochi.pk)]


def test_the_wizard_chooses_nothing_for_several_pets_never_booked(
    vet, owner, vet_portal, vet_service
):
    from bs4 import BeautifulSoup

    service, _staff = vet_service
    PetFactory(owner=owner, name="Biscuit")
    PetFactory(owner=owner, name="Mochi")
    start = _first_slot(vet, service)
    page = vet_portal.get(
        reverse("portal:book_confirm"), {"service": service.pk, "t": int(start.timestamp())}
    )
    assert not BeautifulSoup(page.content, "html.parser").select('input[name="pet"][checked]')
