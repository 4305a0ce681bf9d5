"""The clinic workspace: form templates edited by managers, the Forms and Medical history
tabs, signed PDFs for staff (audited), and nothing of another clinic's."""

import pytest

from people.models import AuditEntry
from records.models import FormTemplate, MedicalHistoryVersion
from tests.factories.booking import ServiceFactory
from tests.factories.clients import ClientAccountFactory, MembershipFactory
from tests.factories.forms import FormTemplateFactory
from tests.fixtures.clinics import host_client
from tests.fixtures.forms import sign

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin(clinic, staff_user):
    client = host_client(clinic)
    client.force_login(staff_user)
    return client


def test_a_manager_creates_a_form_that_requires_a_service(clinic, other_clinic, manager_admin):
    laser = ServiceFactory(clinic=clinic, key="laser", name="Laser")
    theirs = ServiceFactory(clinic=other_clinic, key="laser", name="Their laser")
    page = manager_admin.get("/admin/clinic/forms/new/")
    assert page.status_code == 200
    assert "Laser" in page.content.decode() and "Their laser" not in page.content.decode()
    data = {
        "title": "Laser consent",
        "kind": "consent",
        "intro": "Read this.",
        "fields-count": "1",
        "fields-0-type": "yes_no",
        "fields-0-deleted": "",
        "fields-0-order": "0",
        "fields-0-id": "",
        "fields-0-value-label": "Are you pregnant?",
        "fields-0-value-help_text": "",
        "fields-0-value-required": "on",
        "valid_for_months": "12",
        "active": "on",
        "services": [str(laser.pk)],
    }
    response = manager_admin.post("/admin/clinic/forms/new/", data)
    assert response.status_code == 302, response.context["form"].errors
    template = FormTemplate.objects.get()
    assert template.clinic == clinic and list(template.services.all()) == [laser]
    assert template.questions()[0]["label"] == "Are you pregnant?"
    # Another clinic's service is not a choice.
    response = manager_admin.post(
        "/admin/clinic/forms/new/", {**data, "title": "Other", "services": [str(theirs.pk)]}
    )
    assert response.status_code == 200 and "services" in response.context["form"].errors


def test_staff_cannot_edit_templates_and_other_clinics_templates_are_not_found(
    clinic, other_clinic, admin, manager_admin
):
    theirs = FormTemplateFactory(clinic=other_clinic)
    assert admin.get("/admin/clinic/forms/new/").status_code in (302, 403)
    assert manager_admin.get(f"/admin/clinic/forms/edit/{theirs.pk}/").status_code == 404


def test_forms_tab_lists_standing_and_staff_download_the_pdf_audited(
    clinic, admin, staff_user, patient
):
    consent = FormTemplateFactory(clinic=clinic, title="Laser consent")
    FormTemplateFactory(clinic=clinic, title="Intake")
    signed = sign(consent, patient)
    page = admin.get(f"/admin/clinic/clients/{patient.pk}/?tab=forms").content.decode()
    assert 'data-status="signed"' in page and 'data-status="pending"' in page
    assert "Laser consent" in page and "Intake" in page
    response = admin.get(f"/admin/clinic/clients/{patient.pk}/forms/{signed.pk}.pdf")
    assert response.status_code == 200 and response.content == bytes(signed.pdf)
    entry = AuditEntry.objects.filter(action="export").get()
    assert entry.client == patient and entry.actor == staff_user
    assert "Laser consent" in entry.summary


def test_staff_of_another_clinic_get_nothing(clinic, other_clinic, patient):
    signed = sign(FormTemplateFactory(clinic=clinic), patient)
    elsewhere = host_client(other_clinic)
    elsewhere.force_login(MembershipFactory(clinic=other_clinic, role="manager").user)
    pdf_url = f"/admin/clinic/clients/{patient.pk}/forms/{signed.pk}.pdf"
    assert elsewhere.get(pdf_url).status_code == 404
    assert (
        elsewhere.post(
            f"/admin/clinic/clients/{patient.pk}/medical-history/", {"allergies": "x"}
        ).status_code
        == 404
    )
    assert not MedicalHistoryVersion.objects.exists()


def test_a_signed_form_of_another_client_is_not_found_under_this_client(clinic, admin, patient):
    other = ClientAccountFactory(clinic=clinic)
    signed = sign(FormTemplateFactory(clinic=clinic), other)
    pdf_url = f"/admin/clinic/clients/{patient.pk}/forms/{signed.pk}.pdf"
    assert admin.get(pdf_url).status_code == 404


def test_staff_update_the_medical_history_as_a_new_audited_version(clinic, admin, patient):
    url = f"/admin/clinic/clients/{patient.pk}/medical-history/"
    empty = {"medications": "", "conditions": "", "notes": ""}
    admin.post(url, {"allergies": "Penicillin", **empty})
    admin.post(url, {"allergies": "Penicillin, latex", **empty})
    versions = list(MedicalHistoryVersion.objects.filter(client=patient))
    assert [v.allergies for v in versions] == ["Penicillin, latex", "Penicillin"]
    assert all(v.by_staff for v in versions)
    changes = AuditEntry.objects.filter(action="change", client=patient)
    assert changes.count() == 2
    assert changes.first().changes["allergies"] == ["Penicillin", "Penicillin, latex"]
    page = admin.get(f"/admin/clinic/clients/{patient.pk}/?tab=medical").content.decode()
    assert "Penicillin, latex" in page and page.count("data-version=") == 2
