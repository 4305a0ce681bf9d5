"""Medical history in the portal: every change a new version, the newest shown."""

import pytest

from people.models import AuditEntry
from people.models.append_only import ImmutableRecordError
from records.medical.selectors import medical_history_current
from records.models import MedicalHistoryVersion
from tests.fixtures.clinics import host_client

pytestmark = pytest.mark.django_db

EMPTY = {"allergies": "", "medications": "", "conditions": "", "notes": ""}


def test_each_change_is_a_new_version_and_the_newest_is_shown(clinic, patient):
    portal = host_client(clinic)
    portal.force_login(patient.user)
    assert portal.get("/medical-history/").status_code == 200
    portal.post("/medical-history/", {**EMPTY, "allergies": "Nuts"})
    portal.post("/medical-history/", {**EMPTY, "allergies": "Nuts"})  # no change: no version
    portal.post("/medical-history/", {**EMPTY, "allergies": "Nuts", "medications": "Statins"})
    versions = list(MedicalHistoryVersion.objects.filter(client=patient))
    assert [(v.allergies, v.medications) for v in versions] == [("Nuts", "Statins"), ("Nuts", "")]
    assert not any(v.by_staff for v in versions) and versions[0].author == patient.user
    assert medical_history_current(clinic, patient).medications == "Statins"
    page = portal.get("/medical-history/").content.decode()
    assert "Statins" in page
    # A client's own edits are theirs, not a staff read or change.
    assert not AuditEntry.objects.exists()


def test_a_too_long_answer_is_named_and_nothing_is_saved(clinic, patient):
    portal = host_client(clinic)
    portal.force_login(patient.user)
    response = portal.post("/medical-history/", {**EMPTY, "conditions": "x" * 2001})
    assert response.status_code == 200 and response.context["form"].errors["conditions"]
    assert not MedicalHistoryVersion.objects.exists()


def test_versions_cannot_be_rewritten(clinic, patient):
    portal = host_client(clinic)
    portal.force_login(patient.user)
    portal.post("/medical-history/", {**EMPTY, "allergies": "Nuts"})
    version = MedicalHistoryVersion.objects.get()
    version.allergies = ""
    with pytest.raises(ImmutableRecordError):
        version.save()
    with pytest.raises(ImmutableRecordError):
        MedicalHistoryVersion.objects.update(allergies="")


def test_another_clinics_history_is_not_shown(clinic, other_clinic, patient):
    portal = host_client(clinic)
    portal.force_login(patient.user)
    portal.post("/medical-history/", {**EMPTY, "allergies": "Nuts"})
    abroad = host_client(other_clinic)
    abroad.force_login(patient.user)
    assert "Nuts" not in abroad.get("/medical-history/").content.decode()
