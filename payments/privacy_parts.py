"""Payments' part of a client's data for ``privacy`` (``privacy/registry.py``): what was
paid and refunded, and the cards kept on file. Erasing keeps every payment and refund
(the clinic must keep them; they stay with the bookings on the detached account) and
forgets the cards on file and the link to the person's Stripe customer."""

from payments.models import Payment, Refund, SavedCard, StripeCustomer


def export_payments(*, clinic, client):
    payments = list(
        Payment.objects.filter(clinic=clinic, booking__client=client)
        .select_related("booking")
        .order_by("created_at", "pk")
    )
    refunds = {}
    for refund in Refund.objects.filter(payment__in=payments).order_by("pk"):
        refunds.setdefault(refund.payment_id, []).append(
            {
                "amount_minor_units": refund.amount,
                "status": refund.status,
                "created": refund.created_at.isoformat(),
                "receipt_number": refund.receipt_number,
            }
        )
    cards = SavedCard.objects.filter(clinic=clinic, client=client).order_by("pk")
    return {
        "data": {
            "payments": [
                {
                    "booking": str(payment.booking.reference),
                    "kind": payment.kind,
                    "amount_minor_units": payment.amount,
                    "discount_minor_units": payment.discount,
                    "currency": payment.currency,
                    "status": payment.status,
                    "created": payment.created_at.isoformat(),
                    "receipt_number": payment.receipt_number,
                    "refunds": refunds.get(payment.pk, []),
                }
                for payment in payments
            ],
            "saved_cards": [{"brand": card.brand, "last4": card.last4} for card in cards],
        }
    }


def erase_payments(*, clinic, client, user):
    cards, _ = SavedCard.objects.filter(clinic=clinic, client=client).delete()
    StripeCustomer.objects.filter(clinic=clinic, client=client).delete()
    return {"saved_cards": cards}


PARTS = [{"key": "payments", "order": 30, "export": export_payments, "erase": erase_payments}]
