"""Every write to the loyalty ledger.

Each one locks the client's ``LoyaltyAccount`` row (``select_for_update``) before it
reads the current balance, so concurrent writes for one client queue and a redemption
can never spend points another has just spent. On SQLite every transaction is
``BEGIN IMMEDIATE``, which serialises writers the same way.
"""

from django.db import transaction
from django.utils.translation import gettext

from branding.money import minor_digits
from loyalty.errors import LoyaltyError, LoyaltyErrorCode
from loyalty.models import (
    EntryKind,
    LedgerEntry,
    LoyaltyAccount,
    LoyaltyProgramme,
    Voucher,
    VoucherStatus,
)
from loyalty.notices import points_added_tell
from loyalty.selectors import programme_for

__all__ = [
    "LoyaltyError",
    "entry_reverse",
    "points_adjust",
    "points_award",
    "points_expire",
    "points_for_completed_booking",
    "points_redeem",
    "programme_upsert",
]


def _positive(amount):
    if isinstance(amount, bool) or not isinstance(amount, int) or amount <= 0:
        raise LoyaltyError(
            gettext("Enter a whole number greater than zero."),
            field="amount",
            code=LoyaltyErrorCode.AMOUNT_INVALID,
        )
    return amount


def _locked_account(*, clinic, client):
    if client.clinic_id != clinic.pk:
        raise LoyaltyError(
            gettext("This client belongs to another clinic."),
            field="client",
            code=LoyaltyErrorCode.OTHER_CLINIC,
        )
    account, _ = LoyaltyAccount.objects.get_or_create(client=client, defaults={"clinic": clinic})
    return LoyaltyAccount.objects.select_for_update().get(pk=account.pk)


def _post(*, clinic, client, kind, amount, reason, actor, idempotency_key, reverses=None):
    """Append one entry under the client's lock. A repeated idempotency key returns the
    entry it first made and writes nothing."""
    _locked_account(clinic=clinic, client=client)
    if idempotency_key:
        existing = LedgerEntry.objects.filter(idempotency_key=idempotency_key).first()
        if existing is not None:
            if existing.client_id != client.pk:
                raise LoyaltyError(
                    gettext("This idempotency key was used for another client."),
                    field="idempotency_key",
                    code=LoyaltyErrorCode.CONFLICT,
                    status=409,
                )
            return existing
    newest = (
        LedgerEntry.objects.filter(client=client)
        .order_by("-id")
        .values_list("balance_after", flat=True)
    ).first()
    balance = newest or 0
    if balance + amount < 0:
        unit = programme_for(clinic).unit_label
        raise LoyaltyError(
            gettext("Not enough %(unit)s: the balance is %(balance)s and this needs %(needed)s.")
            % {"unit": unit, "balance": balance, "needed": -amount},
            field="amount",
            code=LoyaltyErrorCode.INSUFFICIENT_BALANCE,
            status=409,
        )
    return LedgerEntry.objects.create(
        clinic=clinic,
        client=client,
        kind=kind,
        amount=amount,
        balance_after=balance + amount,
        reason=reason[:200],
        actor=actor,
        idempotency_key=idempotency_key or None,
        reverses=reverses,
    )


@transaction.atomic
def programme_upsert(*, clinic, **fields) -> LoyaltyProgramme:
    allowed = {f.name for f in LoyaltyProgramme._meta.fields} - {"id", "clinic"}
    unknown = set(fields) - allowed
    if unknown:
        raise LoyaltyError(
            gettext("Unknown setting %(name)r.") % {"name": sorted(unknown)[0]},
            field=sorted(unknown)[0],
            code=LoyaltyErrorCode.UNKNOWN_SETTING,
        )
    programme, _ = LoyaltyProgramme.objects.get_or_create(clinic=clinic)
    for name, value in fields.items():
        setattr(programme, name, value)
    programme.full_clean()
    programme.save()
    return programme


@transaction.atomic
def points_award(*, clinic, client, amount, reason, actor=None, idempotency_key=None):
    """Earn: add points to the client's balance."""
    return _post(
        clinic=clinic,
        client=client,
        kind=EntryKind.EARN,
        amount=_positive(amount),
        reason=reason,
        actor=actor,
        idempotency_key=idempotency_key,
    )


@transaction.atomic
def points_redeem(*, clinic, client, amount, reason, actor=None, idempotency_key=None):
    """Spend points; refused (409, field ``amount``) when the balance is too small."""
    return _post(
        clinic=clinic,
        client=client,
        kind=EntryKind.REDEEM,
        amount=-_positive(amount),
        reason=reason,
        actor=actor,
        idempotency_key=idempotency_key,
    )


@transaction.atomic
def points_adjust(*, clinic, client, amount, reason, actor, idempotency_key=None):
    """A manual correction by staff, up or down, with a reason."""
    if isinstance(amount, bool) or not isinstance(amount, int) or amount == 0:
        raise LoyaltyError(
            gettext("Enter a whole number other than zero."),
            field="amount",
            code=LoyaltyErrorCode.AMOUNT_INVALID,
        )
    if not (reason or "").strip():
        raise LoyaltyError(
            gettext("Say why the balance is being adjusted."),
            field="reason",
            code=LoyaltyErrorCode.REQUIRED,
        )
    return _post(
        clinic=clinic,
        client=client,
        kind=EntryKind.ADJUST,
        amount=amount,
        reason=reason,
        actor=actor,
        idempotency_key=idempotency_key,
    )


@transaction.atomic
def points_expire(*, clinic, client, amount, reason, idempotency_key):
    """Expiry: remove points that were earned too long ago (``loyalty.earning``)."""
    return _post(
        clinic=clinic,
        client=client,
        kind=EntryKind.EXPIRE,
        amount=-_positive(amount),
        reason=reason,
        actor=None,
        idempotency_key=idempotency_key,
    )


@transaction.atomic
def practice_points_post(*, clinic, client, amount, reason, key):
    """One loyalty transaction of the practice system (``key``: its id there), added to
    the client's balance once however often it is pulled. Returns ``(entry, created)``.
    A deduction larger than the balance is refused (409, field ``amount``): the ledger
    never goes below zero, and the sync lists the transaction for staff."""
    if isinstance(amount, bool) or not isinstance(amount, int) or amount == 0:
        raise LoyaltyError(
            gettext("Enter a whole number other than zero."),
            field="amount",
            code=LoyaltyErrorCode.AMOUNT_INVALID,
        )
    idempotency_key = f"practice-{clinic.pk}-{key}"[:120]
    known = LedgerEntry.objects.filter(idempotency_key=idempotency_key).first()
    entry = _post(
        clinic=clinic,
        client=client,
        kind=EntryKind.PRACTICE,
        amount=amount,
        reason=reason or gettext("From the practice system"),
        actor=None,
        idempotency_key=idempotency_key,
    )
    if known is None and amount > 0:
        points_added_tell(entry, why=reason or (lambda: gettext("From your clinic")))
    return entry, known is None


@transaction.atomic
def entry_reverse(*, entry, actor, reason):
    """Undo a mistaken entry ("oops") with an entry of the opposite amount, once."""
    if not (reason or "").strip():
        raise LoyaltyError(
            gettext("Say why this entry is being reversed."),
            field="reason",
            code=LoyaltyErrorCode.REQUIRED,
        )
    if entry.kind == EntryKind.REVERSAL:
        raise LoyaltyError(
            gettext("A reversal cannot itself be reversed."),
            field="entry",
            code=LoyaltyErrorCode.NOT_REVERSIBLE,
        )
    _locked_account(clinic=entry.clinic, client=entry.client)
    if LedgerEntry.objects.filter(reverses=entry).exists():
        raise LoyaltyError(
            gettext("This entry has already been reversed."),
            field="entry",
            code=LoyaltyErrorCode.CONFLICT,
            status=409,
        )
    # Points that paid for a voucher come back only with the voucher: a used one cannot
    # be undone, an unused one is cancelled (the checkout no longer offers or takes it).
    voucher = Voucher.objects.select_for_update().filter(entry=entry).first()
    if voucher is not None:
        if voucher.status == VoucherStatus.USED:
            raise LoyaltyError(
                gettext(
                    "The voucher these points paid for (%(code)s) has already been used: "
                    "the points cannot be given back."
                )
                % {"code": voucher.code},
                field="entry",
                code=LoyaltyErrorCode.CONFLICT,
                status=409,
            )
        voucher.status = VoucherStatus.REVOKED
        voucher.save(update_fields=["status"])
    return _post(
        clinic=entry.clinic,
        client=entry.client,
        kind=EntryKind.REVERSAL,
        amount=-entry.amount,
        reason=reason,
        actor=actor,
        idempotency_key=f"reverse-{entry.pk}",
        reverses=entry,
    )


def booking_earnings(programme, *, price, currency) -> int:
    """Points for a completed visit: per whole currency unit spent, plus per visit."""
    whole_units = price // 10 ** minor_digits(currency)
    return whole_units * programme.per_currency_unit + programme.per_visit


@transaction.atomic
def points_for_completed_booking(booking_id):
    """Post a completed booking's earnings, exactly once (key ``booking-<id>-earn``).
    Returns the entry, or None when nothing is due (not completed, no active programme,
    nothing to earn)."""
    from booking_api.models import Booking, BookingStatus

    booking = Booking.objects.select_related("clinic", "client").get(pk=booking_id)
    if booking.status != BookingStatus.COMPLETED:
        return None
    programme = LoyaltyProgramme.objects.filter(clinic=booking.clinic, active=True).first()
    if programme is None or programme.points_from_practice:
        # The practice system awards visit points; they arrive as its transactions.
        return None
    amount = booking_earnings(programme, price=booking.price, currency=booking.currency)
    if amount <= 0:
        return None
    entry = _post(
        clinic=booking.clinic,
        client=booking.client,
        kind=EntryKind.EARN,
        amount=amount,
        reason=f"Visit: {booking.service}"[:200] if booking.service_id else "Visit",
        actor=None,
        idempotency_key=f"booking-{booking.pk}-earn",
    )
    service = booking.service.name if booking.service_id else ""
    points_added_tell(
        entry,
        why=lambda: (
            gettext("For your visit: %(service)s") % {"service": service}
            if service
            else gettext("For your visit")
        ),
    )
    return entry
