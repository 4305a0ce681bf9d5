"""Staff memberships: who works at a clinic, in which role."""

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils.translation import gettext

from branding.services import clinic_admin_groups_ensure
from people.errors import ClientError, PeopleErrorCode
from people.models import ClinicMembership, StaffRole

User = get_user_model()


@transaction.atomic
def membership_grant(*, clinic, user, role) -> ClinicMembership:
    """Make ``user`` a member of the clinic's staff in ``role`` (one role per clinic)."""
    if role not in StaffRole.values:
        raise ClientError(
            gettext("Unknown role %(role)r.") % {"role": role},
            field="role",
            code=PeopleErrorCode.UNKNOWN_CHOICE,
        )
    groups = clinic_admin_groups_ensure(clinic)
    membership, _ = ClinicMembership.objects.update_or_create(
        clinic=clinic, user=user, defaults={"role": role}
    )
    user.groups.remove(*[g for r, g in groups.items() if r != role])
    user.groups.add(groups[role])
    return membership


@transaction.atomic
def membership_revoke(*, clinic, user) -> None:
    groups = clinic_admin_groups_ensure(clinic)
    user.groups.remove(*groups.values())
    ClinicMembership.objects.filter(clinic=clinic, user=user).delete()
