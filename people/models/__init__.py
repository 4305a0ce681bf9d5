"""Client-side data. One module per concern; this package re-exports the models so
`from people.models import X` keeps working as modules are added."""

from .accounts import (
    AuditAction,
    AuditEntry,
    AuditEntryQuerySet,
    AuditLogError,
    ClientAccount,
    ClinicMembership,
    StaffRole,
    User,
    UserManager,
)
from .feedback import Feedback
from .forms import FormKind, FormReminder, FormTemplate, SignatureMethod, SignedForm
from .medical import MEDICAL_FIELDS, MedicalHistoryVersion
from .messages import Message, MessageThread, Sender, ThreadKind
from .notes import ClientNote
from .pets import Pet, PetQuerySet, Species
from .photos import Photo, PhotoKind

__all__ = [
    "MEDICAL_FIELDS",
    "Feedback",
    "FormKind",
    "FormReminder",
    "FormTemplate",
    "MedicalHistoryVersion",
    "SignatureMethod",
    "SignedForm",
    "AuditAction",
    "AuditEntry",
    "AuditEntryQuerySet",
    "AuditLogError",
    "ClientAccount",
    "ClientNote",
    "ClinicMembership",
    "Message",
    "MessageThread",
    "Pet",
    "PetQuerySet",
    "Photo",
    "PhotoKind",
    "Sender",
    "Species",
    "ThreadKind",
    "StaffRole",
    "User",
    "UserManager",
]
