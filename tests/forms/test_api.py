"""The forms and medical-history API for the patient apps."""

import pytest
from rest_framework.test import APIClient

from records.models import MedicalHistoryVersion, SignedForm
from tests.factories.clients import ClientAccountFactory
from tests.factories.forms import FormTemplateFactory
from tests.fixtures.clinics import host_client
from tests.fixtures.forms import answers_for, sign

pytestmark = pytest.mark.django_db


@pytest.fixture
def app(clinic, patient):
    client = host_client(clinic, APIClient)
    client.force_authenticate(patient.user)
    return client


def test_list_read_sign_and_download(app, clinic, consent, patient):
    [item] = app.get("/api/v1/forms").json()["results"]
    assert item["id"] == consent.pk and item["status"] == "pending" and item["latest"] is None
    detail = app.get(f"/api/v1/forms/{consent.pk}").json()
    assert [q["type"] for q in detail["questions"]] == [
        "text",
        "yes_no",
        "choice",
        "date",
        "long_text",
    ]
    answers = answers_for(consent, **{"Skin type": "Dry", "Are you pregnant?": False})
    bad = app.post(
        f"/api/v1/forms/{consent.pk}/sign", {"answers": {}, "typed_name": "Ada"}, format="json"
    )
    assert bad.status_code == 400 and bad.json()["field"] == detail["questions"][0]["key"]
    response = app.post(
        f"/api/v1/forms/{consent.pk}/sign",
        {"answers": answers, "typed_name": "Ada Lovelace"},
        format="json",
    )
    assert response.status_code == 201, response.json()
    signed = SignedForm.objects.get()
    assert signed.answers[detail["questions"][1]["key"]] is False
    assert app.get("/api/v1/forms").json()["results"][0]["status"] == "signed"
    pdf = app.get(f"/api/v1/signed-forms/{signed.pk}/pdf")
    assert pdf.status_code == 200 and pdf.content == bytes(signed.pdf)


def test_other_people_and_clinics_get_404(app, clinic, other_clinic, consent):
    theirs = sign(consent, ClientAccountFactory(clinic=clinic))
    assert app.get(f"/api/v1/signed-forms/{theirs.pk}/pdf").status_code == 404
    elsewhere = FormTemplateFactory(clinic=other_clinic)
    assert app.get(f"/api/v1/forms/{elsewhere.pk}").status_code == 404
    assert app.post(f"/api/v1/forms/{elsewhere.pk}/sign", {}, format="json").status_code == 404
    assert host_client(clinic, APIClient).get("/api/v1/forms").status_code in (401, 403)


def test_medical_history_round_trip(app, patient):
    assert app.get("/api/v1/medical-history").json()["updated_at"] is None
    body = app.put("/api/v1/medical-history", {"allergies": "Latex"}, format="json").json()
    assert body["allergies"] == "Latex" and body["updated_at"]
    too_long = app.put("/api/v1/medical-history", {"notes": "x" * 2001}, format="json")
    assert too_long.status_code == 400 and "notes" in too_long.json()["errors"]
    assert MedicalHistoryVersion.objects.filter(client=patient).count() == 1
