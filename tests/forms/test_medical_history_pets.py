"""At a vet practice (pets on) medical history belongs to each pet: the portal, the API
and the staff's Medical history tab each read and write one pet's history, and only the
client's own active pets'."""

import html

import pytest
from rest_framework.test import APIClient

from records.medical.selectors import medical_history_current
from records.models import MedicalHistoryVersion
from records.privacy_parts import export_medical_history
from tests.factories.clients import ClientAccountFactory
from tests.factories.records import PetFactory
from tests.fixtures.clinics import host_client

pytestmark = pytest.mark.django_db

EMPTY = {"allergies": "", "medications": "", "conditions": "", "notes": ""}


@pytest.fixture
def nori(owner):
    return PetFactory(owner=owner, name="Nori")


@pytest.fixture
def miso(owner):
    return PetFactory(owner=owner, name="Miso")


@pytest.fixture
def vet_app(vet, owner):
    client = host_client(vet, APIClient)
    client.force_authenticate(owner.user)
    return client


def _text(response):
    return html.unescape(response.content.decode())


def test_a_vet_patient_edits_one_pets_history_and_sees_it(vet, owner, vet_portal, nori, miso):
    listing = _text(vet_portal.get("/medical-history/"))
    assert f"?pet={nori.pk}" in listing and f"?pet={miso.pk}" in listing
    form_page = _text(vet_portal.get(f"/medical-history/?pet={nori.pk}"))
    assert "Nori's allergies" in form_page and "Current medications for Nori" in form_page
    saved = vet_portal.post(
        f"/medical-history/?pet={nori.pk}", {**EMPTY, "allergies": "Chicken"}, follow=True
    )
    assert "Chicken" in _text(saved)
    version = MedicalHistoryVersion.objects.get()
    assert version.pet == nori and version.client == owner and version.author == owner.user
    assert medical_history_current(vet, owner, nori).allergies == "Chicken"
    # Miso's history is still empty, and the owner's own was never written.
    assert "Chicken" not in _text(vet_portal.get(f"/medical-history/?pet={miso.pk}"))
    assert medical_history_current(vet, owner, miso) is None
    assert medical_history_current(vet, owner) is None


def test_another_persons_or_clinics_or_a_removed_pet_is_refused(vet, glow_on, owner, vet_portal):
    theirs = PetFactory(owner=ClientAccountFactory(clinic=vet), name="Rex")
    abroad = PetFactory(owner=ClientAccountFactory(clinic=glow_on, user=owner.user), name="Bo")
    gone = PetFactory(owner=owner, name="Old", active=False)
    for pet in (theirs, abroad, gone):
        url = f"/medical-history/?pet={pet.pk}"
        assert vet_portal.get(url).status_code == 404
        assert vet_portal.post(url, {**EMPTY, "allergies": "Nuts"}).status_code == 404
    assert vet_portal.get("/medical-history/?pet=abc").status_code == 404
    assert not MedicalHistoryVersion.objects.exists()


def test_an_owner_without_pets_is_pointed_to_add_one(vet_portal):
    page = vet_portal.get("/medical-history/").content.decode()
    assert 'href="/pets/add/"' in page and "<textarea" not in page


def test_the_api_at_a_vet_needs_a_pet(vet_app, owner, nori, miso):
    for response in (
        vet_app.get("/api/v1/medical-history"),
        vet_app.put("/api/v1/medical-history", {"allergies": "Latex"}, format="json"),
    ):
        assert response.status_code == 400
        assert response.json()["field"] == "pet" and response.json()["code"] == "pet_required"
    url = f"/api/v1/medical-history?pet={nori.pk}"
    body = vet_app.put(url, {"allergies": "Chicken"}, format="json").json()
    assert body["allergies"] == "Chicken" and body["pet"] == nori.pk
    assert vet_app.get(url).json()["allergies"] == "Chicken"
    assert vet_app.get(f"/api/v1/medical-history?pet={miso.pk}").json()["allergies"] == ""
    theirs = PetFactory(owner=ClientAccountFactory(clinic=owner.clinic))
    refused = vet_app.put(
        f"/api/v1/medical-history?pet={theirs.pk}", {"allergies": "x"}, format="json"
    )
    assert refused.status_code == 404 and refused.json()["code"] == "pet_unknown"
    assert MedicalHistoryVersion.objects.count() == 1


def test_staff_see_and_edit_each_pets_history(vet, vet_admin, owner, nori, miso):
    url = f"/admin/clinic/clients/{owner.pk}/medical-history/"
    vet_admin.post(f"{url}?pet={nori.pk}", {**EMPTY, "medications": "Apoquel"})
    # Without a pet, or with another client's pet, nothing is written.
    vet_admin.post(url, {**EMPTY, "medications": "Nothing"})
    theirs = PetFactory(owner=ClientAccountFactory(clinic=vet))
    vet_admin.post(f"{url}?pet={theirs.pk}", {**EMPTY, "medications": "Nothing"})
    version = MedicalHistoryVersion.objects.get()
    assert version.pet == nori and version.by_staff
    page = vet_admin.get(f"/admin/clinic/clients/{owner.pk}/?tab=medical").content.decode()
    assert f'data-pet-medical="{nori.pk}"' in page and f'data-pet-medical="{miso.pk}"' in page
    assert f'action="{url}?pet={miso.pk}"' in page and "Apoquel" in page
    miso_part = page.split(f'data-pet-medical="{miso.pk}"')[1]
    nori_part = page.split(f'data-pet-medical="{nori.pk}"')[1]
    assert "Apoquel" in nori_part.split("data-pet-medical=")[0]
    assert "Apoquel" not in miso_part.split("data-pet-medical=")[0]
    # The Overview's alerts name the pet.
    overview = vet_admin.get(f"/admin/clinic/clients/{owner.pk}/?tab=overview").content.decode()
    assert "Nori: Apoquel" in overview


def test_the_data_export_names_the_pet(vet, vet_portal, owner, nori):
    vet_portal.post(f"/medical-history/?pet={nori.pk}", {**EMPTY, "allergies": "Chicken"})
    [entry] = export_medical_history(clinic=vet, client=owner)["data"]
    assert entry["pet"] == "Nori" and entry["allergies"] == "Chicken"


def test_staff_still_read_what_the_owner_recorded_before_histories_were_per_pet(
    vet, vet_admin, owner, nori
):
    MedicalHistoryVersion.objects.create(clinic=vet, client=owner, allergies="Bee stings")
    page = vet_admin.get(f"/admin/clinic/clients/{owner.pk}/?tab=medical").content.decode()
    earlier = page.split("data-medical-earlier")[1]
    assert "Bee stings" in earlier and "<form" not in earlier.split("</section>")[0]


def test_the_desks_allergy_marker_is_about_the_pet_that_comes_in(vet, owner, nori, miso):
    """Nori is allergic to chicken; Miso's visit showed Nori's allergy (the owner's newest
    version, whichever pet it was about) on Today and in the calendar's quick view."""
    from django.utils import timezone

    from booking_api.models import Booking
    from records.medical.selectors import newest_allergies_expression
    from records.medical.services import medical_history_update
    from records.today_selectors import today_for
    from tests.factories.booking import ServiceFactory, StaffFactory
    from tests.records.test_pets import _booking

    medical_history_update(
        clinic=vet, client=owner, author=owner.user, pet=nori, allergies="Chicken"
    )
    service = ServiceFactory(clinic=vet)
    for_nori, for_miso = (
        _booking(vet, owner, pet, service, StaffFactory(clinic=vet, services=[service]), 0)
        for pet in (nori, miso)
    )
    Booking.objects.filter(pk__in=[for_nori.pk, for_miso.pk]).update(status="confirmed")

    markers = Booking.objects.filter(clinic=vet).annotate(
        allergies=newest_allergies_expression(vet)
    )
    assert {b.pk: b.allergies for b in markers} == {for_nori.pk: "Chicken", for_miso.pk: None}
    arrivals = {a.booking.pk: a.allergies for a in today_for(vet, now=timezone.now()).arrivals}
    assert arrivals == {for_nori.pk: "Chicken", for_miso.pk: ""}
