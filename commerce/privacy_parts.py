"""Commerce's part of a client's data for ``privacy`` (``privacy/registry.py``): purchases,
packages, gift cards bought, orders and memberships. Erasing keeps every purchase and
order (money and stock the clinic must account for) and removes the buyer's free text
(a gift card's message, an order's note)."""

from commerce.models import GiftCard, Membership, Order, Package, Purchase


def export_purchases(*, clinic, client):
    purchases = Purchase.objects.filter(clinic=clinic, client=client).order_by("pk")
    packages = Package.objects.filter(clinic=clinic, client=client).order_by("pk")
    cards = GiftCard.objects.filter(clinic=clinic, purchaser=client).order_by("pk")
    orders = (
        Order.objects.filter(clinic=clinic, client=client)
        .select_related("pet")
        .prefetch_related("lines")
        .order_by("pk")
    )
    memberships = Membership.objects.filter(clinic=clinic, client=client).order_by("pk")
    return {
        "data": {
            "purchases": [
                {
                    "reference": str(p.reference),
                    "description": p.description,
                    "amount_minor_units": p.amount,
                    "currency": p.currency,
                    "status": p.status,
                    "created": p.created_at.isoformat(),
                    "receipt_number": p.receipt_number,
                }
                for p in purchases
            ],
            "packages": [
                {"name": p.name, "sessions": p.sessions, "expires_on": p.expires_on.isoformat()}
                for p in packages
            ],
            "gift_cards_bought": [
                {
                    "amount_minor_units": c.amount,
                    "currency": c.currency,
                    "recipient_name": c.recipient_name,
                    "message": c.message,
                    "deliver_on": c.deliver_on.isoformat(),
                }
                for c in cards
            ],
            "orders": [
                {
                    "reference": str(o.reference),
                    "status": o.status,
                    "total_minor_units": o.total,
                    "currency": o.currency,
                    "note": o.note,
                    "decline_reason": o.decline_reason,
                    "pet": o.pet.name if o.pet_id else None,
                    "lines": [
                        {"name": line.name, "quantity": line.quantity} for line in o.lines.all()
                    ],
                    "created": o.created_at.isoformat(),
                }
                for o in orders
            ],
            "memberships": [
                {
                    "name": m.name,
                    "interval": m.interval,
                    "price_minor_units": m.price,
                    "currency": m.currency,
                    "status": m.status,
                    "joined": m.created_at.isoformat(),
                    "ended": m.ended_at.isoformat() if m.ended_at else None,
                }
                for m in memberships
            ],
        }
    }


def erase_purchases(*, clinic, client, user):
    messages = GiftCard.objects.filter(clinic=clinic, purchaser=client).update(message="")
    notes = Order.objects.filter(clinic=clinic, client=client).exclude(note="").update(note="")
    return {"gift_card_messages": messages, "order_notes": notes}


PARTS = [{"key": "shop", "order": 60, "export": export_purchases, "erase": erase_purchases}]
