"""The owner takes a pet out of their app from the portal, after being asked: the pet
simply disappears from the portal and the app, unless the clinic keeps a "No longer with
us" page (``pet_memorial``); no reminder about it goes out afterwards."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from booking_api.models import Booking, Reminder
from booking_api.services.reminders import reminder_send
from branding.services import features_update
from people.models import Pet
from tests.factories.booking import ServiceFactory, StaffFactory, main_location
from tests.factories.clients import ClientAccountFactory
from tests.factories.records import PetFactory, upload
from tests.fixtures.clinics import host_client

pytestmark = pytest.mark.django_db


@pytest.fixture
def owner_api(vet, owner):
    client = host_client(vet, APIClient)
    client.force_authenticate(owner.user)
    return client


def remove_url(pet):
    return reverse("portal:pet_remove", kwargs={"pet_id": pet.pk})


def test_the_owner_is_asked_then_the_pet_disappears_from_portal_and_app(
    vet, owner, vet_portal, owner_api
):
    biscuit = PetFactory(clinic=vet, owner=owner, name="Biscuit")
    page = vet_portal.get("/pets/").content.decode()
    assert f'href="{remove_url(biscuit)}"' in page and "Remove Biscuit from my app" in page

    question = vet_portal.get(remove_url(biscuit))
    assert question.status_code == 200
    assert "Remove Biscuit from your app?" in question.content.decode()
    biscuit.refresh_from_db()
    assert biscuit.active  # asking changes nothing

    response = vet_portal.post(remove_url(biscuit), follow=True)
    assert "Biscuit was removed from your app." in response.content.decode()
    biscuit.refresh_from_db()
    assert not biscuit.active and biscuit.deactivated_at is not None
    page = vet_portal.get("/pets/")
    assert "Biscuit" not in page.content.decode()
    assert "No longer with us" not in page.content.decode()
    assert [p["id"] for p in owner_api.get("/api/v1/pets").json()["results"]] == []
    assert owner_api.get(f"/api/v1/pets/{biscuit.pk}").status_code == 404
    # Removed once: asking again finds nothing to remove.
    assert vet_portal.get(remove_url(biscuit)).status_code == 404


def test_with_the_memorial_on_the_pet_stays_under_no_longer_with_us(
    vet, owner, vet_portal, owner_api
):
    features_update(clinic=vet, pet_memorial=True)
    biscuit = PetFactory(clinic=vet, owner=owner, name="Biscuit")
    assert (
        'will stay under "No longer with us"'
        in vet_portal.get(remove_url(biscuit)).content.decode()
    )
    vet_portal.post(remove_url(biscuit))
    page = vet_portal.get("/pets/")
    assert "No longer with us" in page.content.decode()
    assert [p.pk for p in page.context["inactive_pets"]] == [biscuit.pk]
    [listed] = owner_api.get("/api/v1/pets").json()["results"]
    assert listed["id"] == biscuit.pk and listed["active"] is False
    assert owner_api.get(f"/api/v1/pets/{biscuit.pk}").json()["active"] is False


def test_another_persons_pet_or_another_clinic_cannot_be_removed(vet, owner, vet_portal, glow_on):
    theirs = PetFactory(clinic=vet, owner=ClientAccountFactory(clinic=vet))
    assert vet_portal.get(remove_url(theirs)).status_code == 404
    assert vet_portal.post(remove_url(theirs)).status_code == 404
    mine = PetFactory(clinic=vet, owner=owner)
    at_glow = host_client(glow_on)
    at_glow.force_login(owner.user)
    assert at_glow.post(remove_url(mine)).status_code == 404
    assert Pet.objects.filter(active=True).count() == 2


def pet_visit(vet, owner, pet, start, service=None):
    service = service or ServiceFactory(clinic=vet)
    return Booking.objects.create(
        clinic=vet,
        client=owner,
        service=service,
        staff=StaffFactory(clinic=vet, services=[service]),
        location=main_location(vet),
        start=start,
        end=start + datetime.timedelta(minutes=30),
        blocked_start=start,
        blocked_end=start + datetime.timedelta(minutes=30),
        status="booked",
        price=8500,
        currency="USD",
        source="portal",
        pet=pet,
    )


def test_removing_a_pet_lists_its_appointments_and_cancels_the_ones_chosen(vet, owner, vet_portal):
    """Issue: removing a pet left its appointments booked without a word. The page lists
    them with the policy's terms: one in time is free (ticked), one inside the window
    names its fee (not ticked); the owner cancels the free one with the pet."""
    from branding.services import policy_update

    policy_update(
        clinic=vet,
        cancellation_window_hours=24,
        late_cancel_fee_kind="fixed",
        late_cancel_fee_value=2500,
        late_cancel_contact_clinic=False,
    )
    biscuit = PetFactory(clinic=vet, owner=owner, name="Biscuit")
    now = timezone.now().replace(microsecond=0)
    later = pet_visit(vet, owner, biscuit, now + datetime.timedelta(days=5))
    soon = pet_visit(vet, owner, biscuit, now + datetime.timedelta(hours=3))
    other_pet = pet_visit(vet, owner, PetFactory(clinic=vet, owner=owner), later.start)

    page = vet_portal.get(remove_url(biscuit)).content.decode()
    assert "Biscuit has 2 upcoming appointments" in page
    assert f'name="cancel" value="{later.pk}" checked' in page
    assert f'name="cancel" value="{soon.pk}">' in page  # not ticked: it has a fee
    assert "A late cancellation fee of $25.00 applies." in page
    assert "You can cancel free of charge." in page

    response = vet_portal.post(remove_url(biscuit), {"cancel": [later.pk]}, follow=True)
    assert "1 appointment was cancelled." in response.content.decode()
    for booking in (later, soon, other_pet):
        booking.refresh_from_db()
    assert (later.status, soon.status, other_pet.status) == ("cancelled", "booked", "booked")
    biscuit.refresh_from_db()
    assert not biscuit.active


def test_a_booking_not_the_pets_is_refused_and_nothing_changes(vet, owner, vet_portal):
    biscuit = PetFactory(clinic=vet, owner=owner, name="Biscuit")
    start = timezone.now().replace(microsecond=0) + datetime.timedelta(days=5)
    mine = pet_visit(vet, owner, biscuit, start)
    theirs = pet_visit(vet, ClientAccountFactory(clinic=vet), None, start)
    response = vet_portal.post(remove_url(biscuit), {"cancel": [mine.pk, theirs.pk]})
    assert response.status_code == 400
    assert "not one of Biscuit&#x27;s upcoming appointments" in response.content.decode()
    for booking in (mine, theirs):
        booking.refresh_from_db()
        assert booking.status == "booked"
    biscuit.refresh_from_db()
    assert biscuit.active


def test_no_reminder_goes_out_for_a_pet_the_owner_removed(vet, owner, vet_portal):
    pet = PetFactory(clinic=vet, owner=owner, name="Old Tom")
    start = timezone.now().replace(microsecond=0) + datetime.timedelta(days=2)
    visit = pet_visit(vet, owner, pet, start)
    reminder = Reminder.objects.create(
        booking=visit, kind="24h", for_start=start, due_at=timezone.now()
    )
    vet_portal.post(remove_url(pet))
    assert reminder_send(reminder_id=reminder.pk) is False
    reminder.refresh_from_db()
    assert reminder.skipped and reminder.sent_at is None


def test_staff_see_the_clients_pets_as_cards_with_their_photos(vet, owner, vet_admin, vet_portal):
    biscuit = PetFactory(clinic=vet, owner=owner, name="Biscuit", breed="Beagle")
    PetFactory(clinic=vet, owner=owner, name="Pepper")
    vet_portal.post(
        reverse("portal:pet_edit", kwargs={"pet_id": biscuit.pk}),
        {"name": "Biscuit", "species": "dog", "breed": "Beagle", "photo_file": upload()},
    )
    biscuit.refresh_from_db()
    assert biscuit.photo_id is not None
    url = reverse("clinic_workspace:client_detail", kwargs={"pk": owner.pk}) + "?tab=pets"
    page = vet_admin.get(url).content.decode()
    assert 'class="pet-cards-admin" data-pets="active"' in page
    photo_url = reverse(
        "client_records:photo_file", kwargs={"client_pk": owner.pk, "photo_id": biscuit.photo_id}
    )
    assert f'src="{photo_url}" alt="Photo of Biscuit"' in page
    assert "Dog · Beagle" in page
    assert vet_admin.get(photo_url).status_code == 200


def test_the_api_lists_the_pets_appointments_and_removes_it_with_the_chosen_ones(
    vet, owner, owner_api
):
    """``GET/POST /api/v1/pets/<id>/remove``: the app sees the same list and terms as the
    portal and cancels the chosen appointments with the pet; a booking not the pet's is
    400 ``pet_booking_unknown`` and changes nothing."""
    from branding.services import policy_update

    policy_update(clinic=vet, cancellation_window_hours=24, late_cancel_contact_clinic=True)
    biscuit = PetFactory(clinic=vet, owner=owner, name="Biscuit")
    now = timezone.now().replace(microsecond=0)
    later = pet_visit(vet, owner, biscuit, now + datetime.timedelta(days=5))
    soon = pet_visit(vet, owner, biscuit, now + datetime.timedelta(hours=3))
    url = f"/api/v1/pets/{biscuit.pk}/remove"

    listed = owner_api.get(url).json()
    assert [
        (i["booking"]["id"], i["quote"]["free"], i["quote"]["allowed"]) for i in listed["upcoming"]
    ] == [(soon.pk, False, False), (later.pk, True, True)]

    refused = owner_api.post(url, {"cancel": [soon.pk]}, format="json")
    # The policy sends a late one to the clinic, as cancelling it alone would.
    assert (refused.status_code, refused.json()["code"]) == (403, "contact_clinic")
    stranger = pet_visit(vet, ClientAccountFactory(clinic=vet), None, later.start)
    refused = owner_api.post(url, {"cancel": [stranger.pk]}, format="json")
    assert (refused.status_code, refused.json()["code"]) == (400, "pet_booking_unknown")
    biscuit.refresh_from_db()
    assert biscuit.active and Booking.objects.filter(status="cancelled").count() == 0

    done = owner_api.post(url, {"cancel": [later.pk]}, format="json").json()
    assert [b["id"] for b in done["cancelled"]] == [later.pk]
    assert done["cancelled"][0]["status"] == "cancelled"
    assert [i["booking"]["id"] for i in done["upcoming"]] == [soon.pk]
    assert done["pet"]["active"] is False
    assert owner_api.get(url).status_code == 404
