"""The pets and photos API: the person's own records only, errors naming the field."""

import pytest
from rest_framework.test import APIClient

from branding.services import features_update
from people.models import Pet, Photo
from tests.factories.clients import ClientAccountFactory
from tests.factories.records import PetFactory, upload
from tests.fixtures.clinics import host_client

pytestmark = pytest.mark.django_db


@pytest.fixture
def owner_api(vet, owner):
    client = host_client(vet, APIClient)
    client.force_authenticate(owner.user)
    return client


def test_pets_add_edit_list_and_others_are_not_found(vet, owner, owner_api):
    created = owner_api.post("/api/v1/pets", {"name": "Biscuit", "species": "dog"}, format="json")
    assert created.status_code == 201
    pet_id = created.json()["id"]
    assert (
        owner_api.patch(f"/api/v1/pets/{pet_id}", {"notes": "Loves cheese"}, format="json").json()[
            "notes"
        ]
        == "Loves cheese"
    )
    assert [p["name"] for p in owner_api.get("/api/v1/pets").json()["results"]] == ["Biscuit"]

    bad = owner_api.post("/api/v1/pets", {"name": "Rex", "species": "dragon"}, format="json")
    assert bad.status_code == 400 and "species" in bad.json()["errors"]
    future = owner_api.post(
        "/api/v1/pets",
        {"name": "Rex", "species": "dog", "date_of_birth": "2999-01-01"},
        format="json",
    )
    assert future.status_code == 400 and future.json()["field"] == "date_of_birth"
    assert Pet.objects.count() == 1

    theirs = PetFactory(owner=ClientAccountFactory(clinic=vet))
    assert owner_api.get(f"/api/v1/pets/{theirs.pk}").status_code == 404
    assert (
        owner_api.patch(f"/api/v1/pets/{theirs.pk}", {"name": "Mine"}, format="json").status_code
        == 404
    )


def test_photos_upload_is_checked_and_files_are_private(vet, owner, owner_api, glow_on):
    refused = owner_api.post(
        "/api/v1/photos", {"image": upload("x.jpg", b"not an image")}, format="multipart"
    )
    assert refused.status_code == 400 and refused.json()["field"] == "image"
    assert not Photo.objects.exists()

    created = owner_api.post(
        "/api/v1/photos", {"image": upload(), "caption": "Me"}, format="multipart"
    )
    assert created.status_code == 201, created.content
    photo_id = created.json()["id"]
    assert owner_api.get(f"/api/v1/photos/{photo_id}/image").status_code == 200

    neighbour = host_client(vet, APIClient)
    neighbour.force_authenticate(ClientAccountFactory(clinic=vet).user)
    assert neighbour.get(f"/api/v1/photos/{photo_id}/image").status_code == 404
    assert neighbour.get("/api/v1/photos").json()["results"] == []
    elsewhere = host_client(glow_on, APIClient)
    elsewhere.force_authenticate(owner.user)
    assert elsewhere.get(f"/api/v1/photos/{photo_id}/image").status_code == 404


def test_the_api_answers_403_when_the_feature_is_off(clinic, patient):
    owner_api = host_client(clinic, APIClient)
    owner_api.force_authenticate(patient.user)
    assert owner_api.get("/api/v1/pets").status_code == 403
    assert owner_api.get("/api/v1/photos").status_code == 403


def test_photos_share_toggle_and_delete_own_only(vet, owner, owner_api):
    photo_id = owner_api.post("/api/v1/photos", {"image": upload()}, format="multipart").json()[
        "id"
    ]
    shared = owner_api.patch(f"/api/v1/photos/{photo_id}", {"shareable": True}, format="json")
    assert shared.status_code == 200 and shared.json()["shareable"] is True
    assert Photo.objects.get(pk=photo_id).shareable is True

    neighbour = host_client(vet, APIClient)
    neighbour.force_authenticate(ClientAccountFactory(clinic=vet).user)
    assert (
        neighbour.patch(f"/api/v1/photos/{photo_id}", {"shareable": False}, format="json")
    ).status_code == 404
    assert neighbour.delete(f"/api/v1/photos/{photo_id}").status_code == 404
    assert Photo.objects.get(pk=photo_id).shareable is True

    assert owner_api.delete(f"/api/v1/photos/{photo_id}").status_code == 204
    assert not Photo.objects.filter(pk=photo_id).exists()


def test_with_selfies_off_the_api_sets_and_serves_a_pet_photo(vet, owner, owner_api):
    from branding.services import features_update

    features_update(clinic=vet, pets=True, selfies=False)
    pet = PetFactory(clinic=vet, owner=owner, name="Rex")
    assert owner_api.post("/api/v1/photos", {"image": upload(), "pet": pet.pk}).status_code == 403
    response = owner_api.post(
        f"/api/v1/pets/{pet.pk}/photo",
        {"image": upload()},
        format="multipart",
        HTTP_IDEMPOTENCY_KEY="rex-photo-1",
    )
    assert response.status_code == 201, response.content
    pet.refresh_from_db()
    assert response.json()["photo"] == pet.photo_id is not None
    again = owner_api.post(
        f"/api/v1/pets/{pet.pk}/photo",
        {"image": upload()},
        format="multipart",
        HTTP_IDEMPOTENCY_KEY="rex-photo-1",
    )
    assert again.status_code == 201 and Photo.objects.count() == 1  # replayed, not stored twice
    assert owner_api.get(f"/api/v1/photos/{pet.photo_id}/image").status_code == 200


def test_the_api_refuses_a_bad_pet_photo_and_anothers_pet(vet, owner, owner_api):
    pet = PetFactory(clinic=vet, owner=owner, name="Rex")
    theirs = PetFactory(clinic=vet, owner=ClientAccountFactory(clinic=vet))
    bad = owner_api.post(
        f"/api/v1/pets/{pet.pk}/photo", {"image": upload("x.jpg", b"text")}, format="multipart"
    )
    assert bad.status_code == 400 and "image" in str(bad.json())
    other = owner_api.post(
        f"/api/v1/pets/{theirs.pk}/photo", {"image": upload()}, format="multipart"
    )
    assert other.status_code == 404
    assert not Photo.objects.exists()
    pet.refresh_from_db()
    theirs.refresh_from_db()
    assert pet.photo_id is None and theirs.photo_id is None


def test_the_owner_marks_a_pet_inactive_through_the_api_and_nobody_else_can(vet, owner, owner_api):
    """Issue 13: "pet deactivate" through the API, as the clinic's app lets owners do."""
    pet = PetFactory(clinic=vet, owner=owner, name="Biscuit")
    theirs = PetFactory(clinic=vet, owner=ClientAccountFactory(clinic=vet), name="Rex")
    done = owner_api.post(f"/api/v1/pets/{pet.pk}/deactivate")
    assert done.status_code == 200 and done.json()["active"] is False
    pet.refresh_from_db()
    assert pet.active is False and pet.deactivated_at is not None
    # Gone from the app, unless the clinic keeps a "No longer with us" page.
    assert owner_api.get("/api/v1/pets").json()["results"] == []
    features_update(clinic=vet, pet_memorial=True)
    listed = owner_api.get("/api/v1/pets").json()["results"]
    assert [(p["name"], p["active"]) for p in listed] == [("Biscuit", False)]
    before = theirs.active
    assert owner_api.post(f"/api/v1/pets/{theirs.pk}/deactivate").status_code == 404
    theirs.refresh_from_db()
    assert theirs.active == before
