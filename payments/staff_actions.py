"""What staff do to a booking's money from the admin (charge the card on file, refund,
cancel with refund), each recorded together with its audit entry
(``people.services.audit_record``) in one transaction: either both are written or
neither. Stripe is asked only after that transaction commits."""

from django.db import transaction

from branding.money import format_money
from payments import cards
from payments.services.refunds import (
    booking_cancel_with_refund,
    booking_refund_record,
    refunds_send,
)
from people.models import AuditAction
from people.services import audit_record


def _audit(request, booking, summary):
    audit_record(
        clinic=booking.clinic,
        actor=request.user,
        action=AuditAction.CHANGE,
        client=booking.client,
        summary=summary,
        request=request,
    )


def staff_card_charge(*, request, booking, kind, amount=None):
    """Charge ``kind`` to the card on file; the attempt and its audit entry are one
    transaction, committed before Stripe is asked."""

    def audit(payment):
        _audit(
            request,
            booking,
            f"Charged {payment.kind} {format_money(payment.amount, booking.currency)} "
            f"to the card on file (booking {booking.pk}, payment {payment.pk})",
        )

    return cards.card_charge(
        booking=booking, kind=kind, amount=amount, actor=request.user, audit=audit
    )


def staff_refund(*, request, booking, amount, reason="Refunded by the clinic."):
    """Refund ``amount`` on the booking: the pending refunds and the audit entry are one
    transaction; then each refund is sent to Stripe and settled."""
    with transaction.atomic():
        refunds = booking_refund_record(
            booking=booking, amount=amount, actor=request.user, reason=reason
        )
        total = format_money(sum(r.amount for r in refunds), booking.currency)
        ids = ", ".join(str(r.pk) for r in refunds)
        _audit(request, booking, f"Refunded {total} on booking {booking.pk} (refund {ids})")
    return refunds_send(refunds)


@transaction.atomic
def staff_cancel_with_refund(*, request, booking, amount=None) -> int:
    """Cancel the booking and refund it (by the policy, or ``amount``), audited in the
    same transaction; the refund follows after commit, once."""
    total = booking_cancel_with_refund(booking=booking, actor=request.user, amount=amount)
    how = "by the cancellation policy" if amount is None else "as chosen by staff"
    _audit(
        request,
        booking,
        f"Cancelled booking {booking.pk} and refunded "
        f"{format_money(total, booking.currency)} {how}",
    )
    return total
