"""People: users, client accounts, memberships and roles, notes, pets, photos, the audit
log. One module per concern; this package re-exports the models so
`from people.models import X` keeps working as modules are added. The client's record
(forms, medical history, feedback, messages) lives in ``records.models``."""

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
from .devices import DeviceToken
from .notes import ClientNote
from .pets import Pet, PetQuerySet, Species
from .photos import Photo, PhotoKind

__all__ = [
    "AuditAction",
    "AuditEntry",
    "AuditEntryQuerySet",
    "AuditLogError",
    "ClientAccount",
    "ClientNote",
    "ClinicMembership",
    "DeviceToken",
    "Pet",
    "PetQuerySet",
    "Photo",
    "PhotoKind",
    "Species",
    "StaffRole",
    "User",
    "UserManager",
]
