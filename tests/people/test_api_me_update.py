"""PATCH /api/v1/me: the app changes the person's name and phone as the portal's
profile does; a bad value names its field and nothing is saved."""

import pytest

from people.models import ClientAccount, User
from tests.fixtures.honesty import nothing_changes

pytestmark = pytest.mark.django_db


def test_patch_changes_only_the_fields_sent(patient_api, patient):
    response = patient_api.patch("/api/v1/me", {"phone": "07700 900456"}, format="json")
    assert response.status_code == 200, response.content
    assert response.json()["phone"] == "+447700900456"
    assert response.json()["first_name"] == patient.user.first_name
    patient.refresh_from_db()
    assert patient.phone == "+447700900456"

    response = patient_api.patch("/api/v1/me", {"first_name": "Maria"}, format="json")
    assert response.json()["first_name"] == "Maria"
    assert User.objects.get(pk=patient.user.pk).first_name == "Maria"


@pytest.mark.parametrize(
    ("body", "field", "code"),
    [
        ({"phone": "call me"}, "phone", "phone_invalid"),
        ({"first_name": ""}, "first_name", "required"),
        ({"first_name": "<b>Jo</b>"}, "first_name", "name_invalid"),
    ],
)
def test_a_bad_value_names_its_field_and_saves_nothing(patient_api, patient, body, field, code):
    with (
        nothing_changes(User.objects.filter(pk=patient.user.pk)),
        nothing_changes(ClientAccount.objects.filter(pk=patient.pk)),
    ):
        response = patient_api.patch("/api/v1/me", {**body, "last_name": "New"}, format="json")
    assert response.status_code == 400
    assert (response.json()["field"], response.json()["code"]) == (field, code)


def test_too_long_is_named_by_the_serializer(patient_api):
    response = patient_api.patch("/api/v1/me", {"last_name": "x" * 81}, format="json")
    assert response.status_code == 400
    assert "last_name" in response.json()["errors"]
