from django.urls import reverse

from tests.factories.records import PetFactory, upload


def test_pages_render(vet, owner, vet_portal, vet_admin):
    pet = PetFactory(owner=owner, notes="Hates the hoover")
    assert vet_portal.get("/pets/").status_code == 200
    assert vet_portal.post("/photos/", {"image": upload(), "pet": pet.pk}).status_code == 302
    assert vet_portal.get("/photos/").status_code == 200
    assert vet_portal.get("/messages/").status_code == 200
    r = vet_admin.get(reverse("clinic_workspace:client_detail", kwargs={"pk": owner.pk}))
    assert r.status_code == 200, r.content
    assert b"Hates the hoover" in r.content
