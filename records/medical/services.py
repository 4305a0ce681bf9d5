from django.db import transaction
from django.utils.translation import gettext as _

from branding.errors import DomainError
from people.models import AuditAction
from people.services import audit_changes, audit_record
from records.errors import RecordsErrorCode
from records.medical.selectors import medical_history_current
from records.models import MEDICAL_FIELDS, MedicalHistoryVersion

MAX_LENGTH = 2000


class MedicalHistoryError(DomainError):
    pass


@transaction.atomic
def medical_history_update(*, clinic, client, author, by_staff=False, request=None, **answers):
    """Record the client's medical history as ``answers`` (allergies, medications,
    conditions, notes) in a new version; the old ones stay. Nothing changed: no new
    version. A staff change is written to the audit log."""
    if client.clinic_id != clinic.pk:
        raise MedicalHistoryError(
            _("That client belongs to another clinic."),
            field="client",
            code=RecordsErrorCode.OTHER_CLINIC,
        )
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
    current = medical_history_current(clinic, client)
    before = current.as_dict() if current else dict.fromkeys(MEDICAL_FIELDS, "")
    if current is not None and before == cleaned:
        return current
    version = MedicalHistoryVersion.objects.create(
        clinic=clinic, client=client, author=author, by_staff=by_staff, **cleaned
    )
    if by_staff:
        audit_record(
            clinic=clinic,
            actor=author,
            action=AuditAction.CHANGE,
            client=client,
            summary=f"Updated the medical history of {client.name}",
            changes=audit_changes(before, cleaned),
            request=request,
        )
    return version
