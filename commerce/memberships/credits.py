"""The membership credit ledger: every write locks the ``Membership`` row first
(``select_for_update``), then reads the newest balance, so concurrent uses of the last
credit queue and exactly one gets it (on SQLite every transaction is ``BEGIN
IMMEDIATE``) — the packages' pattern. Entries are append-only and keyed, so an event or
task that runs twice posts once: ``invoice-<id>-grant``, ``invoice-<id>-expire``,
``booking-<id>-membership-use``, ``booking-<id>-membership-return``."""

from django.db import transaction
from django.utils.translation import gettext as _

from booking_api.lifecycle import BookingStatus
from booking_api.models import Booking
from booking_api.selectors import booking_last_move
from branding.errors import FeatureDisabledError
from branding.selectors import feature_enabled
from commerce.errors import CommerceError, CommerceErrorCode, staff_credit_check, staff_reason
from commerce.memberships.selectors import membership_balance
from commerce.models import CreditKind, Membership, MembershipEntry, MembershipStatus
from people.models import AuditAction
from people.services import audit_record

FEATURE = "memberships"


def _unusable(message):
    return CommerceError(
        message, field="package", code=CommerceErrorCode.MEMBERSHIP_CREDIT_UNUSABLE
    )


def _post(*, membership, kind, amount, key, reason="", actor=None, booking=None):
    """Append one entry under the membership's lock; a repeated key returns the first
    entry and writes nothing; the balance never goes below zero."""
    Membership.objects.select_for_update().filter(pk=membership.pk).first()
    existing = MembershipEntry.objects.filter(idempotency_key=key).first()
    if existing is not None:
        return existing
    balance = membership_balance(membership)
    if balance + amount < 0:
        raise _unusable(_("No credits left on %(membership)s.") % {"membership": membership.name})
    return MembershipEntry.objects.create(
        clinic_id=membership.clinic_id,
        membership=membership,
        kind=kind,
        amount=amount,
        balance_after=balance + amount,
        booking=booking,
        reason=str(reason)[:200],
        actor=actor if getattr(actor, "pk", None) else None,
        idempotency_key=key,
    )


def credits_grant_for_invoice(*, membership, invoice_id, newest_period=True):
    """A paid period's credits (once per invoice). Without roll-over what was left of
    the last period expires first; with it the balance is capped (``rollover_cap``).
    An invoice paid for an older period than one already granted (an event arriving
    late) grants nothing more: its period is over."""
    if membership.credits_per_period <= 0 or not newest_period:
        return None
    key = f"invoice-{invoice_id}-grant"
    if MembershipEntry.objects.filter(idempotency_key=key).exists():
        return None
    Membership.objects.select_for_update().filter(pk=membership.pk).first()
    left = membership_balance(membership)
    amount = membership.credits_per_period
    if left and not membership.rollover:
        _post(
            membership=membership,
            kind=CreditKind.EXPIRE,
            amount=-left,
            key=f"invoice-{invoice_id}-expire",
            reason=_("Unused at the end of the period"),
        )
    elif membership.rollover and membership.rollover_cap:
        amount = max(0, min(amount, membership.rollover_cap - left))
    if amount <= 0:
        return None
    return _post(
        membership=membership,
        kind=CreditKind.GRANT,
        amount=amount,
        key=key,
        reason=_("Included this period"),
    )


def membership_credit_use(*, membership_id, booking, actor=None) -> MembershipEntry:
    """Take one credit of the client's membership for ``booking`` (in the booking's
    transaction). Another client's or clinic's membership, one paused or ended, one
    that does not include the service or has no credit left is refused naming
    ``package``."""
    membership = (
        Membership.objects.select_for_update()
        .filter(pk=membership_id, clinic_id=booking.clinic_id, client_id=booking.client_id)
        .first()
    )
    if membership is None:
        raise _unusable(_("That membership is not yours."))
    if not feature_enabled(booking.clinic, FEATURE):
        raise FeatureDisabledError(_("This clinic does not offer memberships."))
    if membership.status != MembershipStatus.ACTIVE:
        raise _unusable(
            _("%(membership)s is paused until its payment goes through.")
            % {"membership": membership.name}
            if membership.status == MembershipStatus.PAST_DUE
            else _("%(membership)s has ended.") % {"membership": membership.name}
        )
    if not membership.credit_services.filter(pk=booking.service_id).exists():
        raise _unusable(
            _("%(membership)s does not include %(service)s.")
            % {"membership": membership.name, "service": booking.service.name}
        )
    return _post(
        membership=membership,
        kind=CreditKind.USE,
        amount=-1,
        key=f"booking-{booking.pk}-membership-use",
        reason=booking.service.name,
        actor=actor,
        booking=booking,
    )


@transaction.atomic
def membership_credit_after_cancel(*, booking_id):
    """A booking a credit paid for was cancelled: the credit comes back when the
    cancellation came before the late-cancellation window or was the clinic's; a
    client's late cancellation keeps it used. Idempotent."""
    booking = Booking.objects.filter(pk=booking_id, status=BookingStatus.CANCELLED).first()
    if booking is None:
        return None
    event = booking_last_move(booking, BookingStatus.CANCELLED)
    data = (event.data or {}) if event else {}
    if data.get("late", True) and data.get("by_client", True):
        return None
    use = (
        MembershipEntry.objects.filter(booking_id=booking_id, kind=CreditKind.USE)
        .select_related("membership")
        .first()
    )
    if use is None:
        return None
    return _post(
        membership=use.membership,
        kind=CreditKind.RETURN,
        amount=1,
        key=f"booking-{booking_id}-membership-return",
        reason=_("Cancelled in time"),
        booking=booking,
    )


@transaction.atomic
def membership_credits_adjust(*, clinic, membership_id, amount, actor, reason, request=None):
    """Staff add or take credits with a reason (audited), like a package's sessions: a
    goodwill credit, a visit used at the desk outside the portal. Never below zero. Only
    a manager adds (``staff_credit_check``); the front desk may take off."""
    reason = staff_reason(reason)
    membership = (
        Membership.objects.select_for_update().filter(clinic=clinic, pk=membership_id).first()
    )
    if membership is None:
        raise _unusable(_("No such membership here."))
    if not isinstance(amount, int) or amount == 0:
        raise CommerceError(
            _("Enter a number of credits other than zero."),
            field="amount",
            code=CommerceErrorCode.SESSIONS_INVALID,
        )
    staff_credit_check(clinic, actor, amount)
    if membership_balance(membership) + amount < 0:
        raise CommerceError(
            _("That would leave fewer than zero credits."),
            field="amount",
            code=CommerceErrorCode.SESSIONS_INVALID,
        )
    n = MembershipEntry.objects.filter(membership=membership, kind=CreditKind.ADJUST).count() + 1
    entry = _post(
        membership=membership,
        kind=CreditKind.ADJUST,
        amount=amount,
        key=f"membership-{membership.pk}-adjust-{n}",
        reason=reason,
        actor=actor,
    )
    audit_record(
        clinic=clinic,
        actor=actor,
        action=AuditAction.CHANGE,
        client=membership.client,
        summary=f"Membership {membership.name}: credits {amount:+d} ({reason})",
        changes={"credits": [entry.balance_after - amount, entry.balance_after]},
        request=request,
    )
    return entry
