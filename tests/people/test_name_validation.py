"""Issue 18 #12: names are checked at every door. A first or last name, a pet's name, a
guest's name or a typed signature with markup (``<``, ``>``) or control characters is
refused with an error naming the field — in the portal, the API, the staff workspace and
the clinic import — and nothing is written. One rule, ``branding.validators``."""

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from rest_framework.test import APIClient

from booking_api.models import Booking
from branding import validators
from branding.importing import ImportFileError, import_clinic_file
from people.models import AuditEntry, ClientAccount, ClinicMembership, Pet, User
from people.services import ClientError, client_upsert, user_get_or_create
from records.models import SignedForm
from tests.factories.clients import ClientAccountFactory, UserFactory
from tests.factories.records import PetFactory
from tests.fixtures.booking import at, local_day
from tests.fixtures.clinics import host_client
from tests.fixtures.forms import GOOD, answers_for
from tests.fixtures.honesty import nothing_changes

pytestmark = pytest.mark.django_db

MARKUP = '<img src=x onerror="alert(1)">'
BAD_NAMES = [MARKUP, "Ada<b>", "Ada>", "Ada\x00", "Ada\x1b[31m", "Ada\nLovelace", "\u202eadA"]
GOOD_NAMES = ["Zoë", "O'Brien", "Jean-Luc", "Анна-Мария", "李小龙", "Dr. Ada Lovelace", "Ng (Kim)"]
JSON = {"HTTP_ACCEPT": "application/json"}


def staff_browser(user, clinic):
    client = Client(HTTP_HOST=clinic.site.hostname)
    client.force_login(user)
    return client


# --- The rule ----------------------------------------------------------------------------


@pytest.mark.parametrize("name", BAD_NAMES)
def test_the_rule_refuses_markup_and_control_characters(name):
    assert not validators.name_is_clean(name)
    with pytest.raises(ValidationError):
        validators.validate_name(name)


@pytest.mark.parametrize("name", GOOD_NAMES)
def test_the_rule_takes_real_names_in_any_script(name):
    assert validators.name_is_clean(name)
    validators.validate_name(name)


def test_the_models_refuse_it_too_naming_the_field(vet, owner):
    user = UserFactory.build(first_name=MARKUP, last_name="Ok", email="x@example.com")
    with pytest.raises(ValidationError) as caught:
        user.full_clean()
    assert "first_name" in caught.value.message_dict
    pet = PetFactory.build(owner=owner, clinic=vet, name="Rex<")
    with pytest.raises(ValidationError) as caught:
        pet.full_clean()
    assert "name" in caught.value.message_dict


# --- The services every door calls ---------------------------------------------------------


@pytest.mark.parametrize("field", ["first_name", "last_name"])
def test_creating_a_person_refuses_a_bad_name_naming_the_field(clinic, field):
    with nothing_changes(User, ClientAccount), pytest.raises(ClientError) as caught:
        client_upsert(clinic=clinic, email="new@example.com", **{field: MARKUP})
    assert caught.value.field == field
    assert caught.value.code == "name_invalid"
    label = "First name" if field == "first_name" else "Last name"
    assert caught.value.message.startswith(label)


def test_an_existing_person_is_not_given_a_bad_name(clinic):
    person = UserFactory(first_name="", last_name="")
    with nothing_changes(User), pytest.raises(ClientError):
        user_get_or_create(email=person.email, first_name="Ada", last_name=MARKUP)


# --- Portal ------------------------------------------------------------------------------


def test_the_portal_profile_refuses_a_name_with_markup_and_keeps_the_old_one(
    clinic, patient, signed_in
):
    with nothing_changes(User, ClientAccount):
        response = signed_in.post(
            "/account/",
            {
                "section": "contact",
                "contact-first_name": MARKUP,
                "contact-last_name": "Lovelace",
                "contact-phone": "07700 900123",
            },
        )

    assert response.status_code == 200
    assert "Names cannot contain" in response.context["contact_form"].errors["first_name"][0]


def test_the_portal_profile_refuses_a_control_character_in_the_last_name(
    clinic, patient, signed_in
):
    with nothing_changes(User, ClientAccount):
        response = signed_in.post(
            "/account/",
            {
                "section": "contact",
                "contact-first_name": "Ada",
                "contact-last_name": "Love\x1blace",
                "contact-phone": "",
            },
        )

    assert response.status_code == 200
    assert response.context["contact_form"].errors["last_name"]


def test_a_guest_booking_refuses_markup_in_the_name_and_books_nothing(
    clinic, portal, skin_consult, portal_emma
):
    start = at(local_day(3), "10:00")
    with nothing_changes(User, ClientAccount, Booking):
        response = portal.post(
            "/book/confirm/",
            {
                "service": skin_consult.pk,
                "staff": "any",
                "t": int(start.timestamp()),
                "name": f"Nina {MARKUP}",
                "email": "nina@example.com",
                "phone": "07700 900999",
            },
        )

    assert response.status_code == 200
    assert "Names cannot contain" in response.context["form"].errors["name"][0]


def test_the_owners_pet_form_refuses_markup_in_the_pet_name(vet_portal, owner):
    with nothing_changes(Pet):
        response = vet_portal.post("/pets/add/", {"name": "<b>Biscuit</b>", "species": "dog"})

    assert response.status_code == 200
    assert response.context["form"].errors["name"]


def test_signing_in_the_portal_refuses_markup_in_the_typed_name(clinic, consent, signed_in):
    with nothing_changes(SignedForm):
        response = signed_in.post(
            f"/documents/forms/{consent.pk}/sign/",
            {**answers_for(consent, **GOOD), "typed_name": MARKUP, "signature": ""},
        )

    assert response.status_code == 200
    assert "Names cannot contain" in response.content.decode()


# --- API ---------------------------------------------------------------------------------


@pytest.fixture
def owner_api(vet, owner):
    client = host_client(vet, APIClient)
    client.force_authenticate(owner.user)
    return client


def test_the_pets_api_refuses_markup_in_a_new_pets_name(owner_api):
    with nothing_changes(Pet):
        response = owner_api.post("/api/v1/pets", {"name": MARKUP, "species": "dog"}, format="json")

    assert response.status_code == 400
    assert (response.json()["field"], response.json()["code"]) == ("name", "name_invalid")
    assert "name" in response.json()["detail"]


def test_the_pets_api_refuses_renaming_a_pet_with_a_control_character(owner_api, owner, vet):
    pet = PetFactory(owner=owner, clinic=vet, name="Biscuit")
    with nothing_changes(Pet):
        response = owner_api.patch(f"/api/v1/pets/{pet.pk}", {"name": "Bis\x07cuit"}, format="json")

    assert response.status_code == 400
    assert response.json()["field"] == "name"


def test_the_forms_api_refuses_markup_in_the_typed_name(clinic, patient, consent):
    app = host_client(clinic, APIClient)
    app.force_authenticate(patient.user)
    with nothing_changes(SignedForm):
        response = app.post(
            f"/api/v1/forms/{consent.pk}/sign",
            {"answers": answers_for(consent, **GOOD), "typed_name": MARKUP},
            format="json",
        )

    assert response.status_code == 400
    assert (response.json()["field"], response.json()["code"]) == ("typed_name", "name_invalid")


# --- Staff -------------------------------------------------------------------------------


def test_inviting_a_client_refuses_markup_in_the_name(clinic, staff_user):
    browser = staff_browser(staff_user, clinic)
    with nothing_changes(User, ClientAccount, AuditEntry):
        response = browser.post(
            "/admin/clinic/clients/invite/",
            {"first_name": MARKUP, "last_name": "Shelley", "email": "mary@example.com"},
        )

    assert response.status_code == 200
    assert "Names cannot contain" in response.context["form"].errors["first_name"][0]


def test_adding_to_the_team_refuses_markup_in_the_name(clinic, manager):
    browser = staff_browser(manager, clinic)
    with nothing_changes(User, ClinicMembership, AuditEntry):
        response = browser.post(
            "/admin/clinic/team/",
            {"email": "new.hire@example.com", "last_name": MARKUP, "role": "therapist"},
        )

    assert response.status_code == 200
    assert response.context["form"].errors["last_name"]


@pytest.mark.parametrize("field", ["first_name", "last_name"])
def test_the_inline_edit_refuses_markup_naming_the_field(clinic, staff_user, field):
    account = ClientAccountFactory(clinic=clinic)
    browser = staff_browser(staff_user, clinic)
    with nothing_changes(User, ClientAccount, AuditEntry):
        response = browser.post(
            f"/admin/clinic/clients/{account.pk}/field/",
            {"field": field, "value": f"Zoë {MARKUP}"},
            **JSON,
        )

    assert response.status_code == 400
    body = response.json()
    assert (body["field"], body["code"]) == (field, "name_invalid")
    label = "First name" if field == "first_name" else "Last name"
    assert body["detail"].startswith(label)


def test_the_staff_pets_tab_refuses_markup_in_the_pet_name(vet, vet_admin, owner):
    from django.urls import reverse

    url = reverse("client_records:pet_add", kwargs={"client_pk": owner.pk})
    with nothing_changes(Pet, AuditEntry):
        response = vet_admin.post(url, {"name": "Pepper<script>", "species": "rabbit"})

    assert response.status_code == 200
    assert response.context["form"].errors["name"]


# --- The clinic import -------------------------------------------------------------------

CLIENTS_FILE = """
clinic:
  name: Hilltop Vets
  slug: hilltop
  domain: hilltop.localhost
  timezone: Europe/London
  currency: GBP
clients:
  - {key: ann, name: "Ann <b>Archer</b>", email: ann@example.com}
"""


def test_the_import_refuses_a_client_name_with_markup_naming_its_key_path(tmp_path):
    path = tmp_path / "hilltop.yaml"
    path.write_text(CLIENTS_FILE)

    with nothing_changes(User, ClientAccount), pytest.raises(ImportFileError) as caught:
        import_clinic_file(path)

    assert "clients[0].name" in str(caught.value)
