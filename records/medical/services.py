from django.db import transaction
from django.utils.translation import gettext as _

from branding.errors import DomainError
from branding.selectors import feature_enabled
from people.models import AuditAction
from people.services import audit_changes, audit_record
from records.errors import RecordsErrorCode
from records.medical.selectors import medical_history_current
from records.models import MEDICAL_FIELDS, MedicalHistoryVersion

MAX_LENGTH = 2000


class MedicalHistoryError(DomainError):
    pass


def _check_pet(clinic, client, pet):
    """At a vet practice the history is a pet's: the client's own active pet here."""
    if pet is None:
        if feature_enabled(clinic, "pets"):
            raise MedicalHistoryError(
                _("Please choose the pet whose medical history this is."),
                field="pet",
                code=RecordsErrorCode.PET_REQUIRED,
            )
        return
    if (
        pet.clinic_id != clinic.pk
        or pet.owner_id != client.pk
        or not pet.active
        or pet.merged_into_id is not None
    ):
        raise MedicalHistoryError(_("No such pet."), field="pet", code=RecordsErrorCode.PET_UNKNOWN)


@transaction.atomic
def medical_history_update(
    *, clinic, client, author, pet=None, by_staff=False, request=None, **answers
):
    """Record the medical history of the client (``pet`` None) or of their pet as
    ``answers`` (allergies, medications, conditions, notes) in a new version; the old
    ones stay. Nothing changed: no new version. A staff change is written to the audit
    log. At a vet practice a pet is required, and only the client's own active pet."""
    if client.clinic_id != clinic.pk:
        raise MedicalHistoryError(
            _("That client belongs to another clinic."),
            field="client",
            code=RecordsErrorCode.OTHER_CLINIC,
        )
    _check_pet(clinic, client, pet)
    unknown = set(answers) - set(MEDICAL_FIELDS)
    if unknown:
        raise MedicalHistoryError(
            _("Unknown field."), field=sorted(unknown)[0], code=RecordsErrorCode.FIELD_NOT_EDITABLE
        )
    cleaned = {}
    for name in MEDICAL_FIELDS:
        value = (answers.get(name) or "").strip()
        if len(value) > MAX_LENGTH:
            raise MedicalHistoryError(
                _("Please keep this under %(n)s characters.") % {"n": f"{MAX_LENGTH:,}"},
                field=name,
                code=RecordsErrorCode.TOO_LONG,
            )
        cleaned[name] = value
    current = medical_history_current(clinic, client, pet)
    before = current.as_dict() if current else dict.fromkeys(MEDICAL_FIELDS, "")
    if current is not None and before == cleaned:
        return current
    version = MedicalHistoryVersion.objects.create(
        clinic=clinic, client=client, pet=pet, author=author, by_staff=by_staff, **cleaned
    )
    if by_staff:
        audit_record(
            clinic=clinic,
            actor=author,
            action=AuditAction.CHANGE,
            client=client,
            summary=(
                f"Updated the medical history of {pet.name} ({client.name})"
                if pet
                else f"Updated the medical history of {client.name}"
            ),
            changes=audit_changes(before, cleaned),
            request=request,
        )
    return version
