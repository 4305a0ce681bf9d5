"""Client-side data. One module per concern; this package re-exports the models so
`from clients.models import X` keeps working as modules are added."""

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

__all__ = [
    "AuditAction",
    "AuditEntry",
    "AuditEntryQuerySet",
    "AuditLogError",
    "ClientAccount",
    "ClinicMembership",
    "StaffRole",
    "User",
    "UserManager",
]
