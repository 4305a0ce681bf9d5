"""What staff do to a client's loyalty from the admin, each written together with its
audit entry (``people.services.audit_record``) in one transaction: either both are
written or neither."""

from django.db import transaction
from django.utils.translation import gettext

from loyalty.errors import LoyaltyError, LoyaltyErrorCode
from loyalty.models import LedgerEntry
from loyalty.notices import points_added_tell
from loyalty.rewards.services import reward_grant, reward_request_approve, reward_request_decline
from loyalty.selectors import programme_for
from loyalty.services import entry_reverse, points_adjust, points_award
from people.models import AuditAction
from people.services import audit_record


def _audit(request, clinic, client, summary, changes=None):
    audit_record(
        clinic=clinic,
        actor=request.user,
        action=AuditAction.CHANGE,
        client=client,
        summary=summary,
        changes=changes,
        request=request,
    )


@transaction.atomic
def staff_points_add(*, request, clinic, client, amount, reason):
    """Add points (or a stamp) by hand; a reason is required."""
    if not (reason or "").strip():
        raise LoyaltyError(
            gettext("Say what the points are for."), field="reason", code=LoyaltyErrorCode.REQUIRED
        )
    entry = points_award(
        clinic=clinic, client=client, amount=amount, reason=reason, actor=request.user
    )
    unit = programme_for(clinic).unit_name  # the audit trail keeps the clinic's own word
    _audit(request, clinic, client, f"Added {amount} {unit}: {reason}"[:300])
    points_added_tell(entry, why=reason)
    return entry


@transaction.atomic
def staff_points_adjust(*, request, clinic, client, amount, reason):
    entry = points_adjust(
        clinic=clinic, client=client, amount=amount, reason=reason, actor=request.user
    )
    _audit(request, clinic, client, f"Adjusted by {amount:+d}: {reason}"[:300])
    return entry


@transaction.atomic
def staff_entry_reverse(*, request, clinic, client, entry_id, reason):
    """Oops: undo one of this client's entries, with a reason."""
    entry = LedgerEntry.objects.filter(clinic=clinic, client=client, pk=entry_id).first()
    if entry is None:
        raise LoyaltyError(
            gettext("This entry was not found."),
            field="entry",
            status=404,
            code=LoyaltyErrorCode.NOT_FOUND,
        )
    reversal = entry_reverse(entry=entry, actor=request.user, reason=reason)
    _audit(
        request,
        clinic,
        client,
        f"Reversed entry #{entry.pk} ({entry.amount:+d}): {reason}"[:300],
    )
    return reversal


@transaction.atomic
def staff_reward_grant(*, request, clinic, client, reward_id, charge_points):
    voucher = reward_grant(
        clinic=clinic,
        client=client,
        reward_id=reward_id,
        actor=request.user,
        charge_points=charge_points,
    )
    how = "for points" if charge_points else "as a gift"
    _audit(request, clinic, client, f"Gave reward {voucher.name} ({voucher.code}) {how}")
    return voucher


@transaction.atomic
def staff_request_approve(*, request, clinic, request_id):
    approved = reward_request_approve(clinic=clinic, request_id=request_id, actor=request.user)
    _audit(
        request,
        clinic,
        approved.client,
        f"Approved reward request #{approved.pk}: {approved.reward.name} ({approved.voucher.code})",
    )
    return approved


@transaction.atomic
def staff_request_decline(*, request, clinic, request_id, reason):
    declined = reward_request_decline(
        clinic=clinic, request_id=request_id, actor=request.user, reason=reason
    )
    _audit(
        request,
        clinic,
        declined.client,
        f"Declined reward request #{declined.pk}: {reason}"[:300],
    )
    return declined
