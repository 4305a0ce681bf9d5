"""Reads of the cart and the waitlist, clinic first, one query each."""

import datetime

from booking_api.models import CartItem, WaitlistEntry


def cart_items_for_client(clinic, client):
    """The client's saved services, oldest first (none for no client)."""
    if client is None:
        return CartItem.objects.none()
    return (
        CartItem.objects.filter(client=client, client__clinic=clinic)
        .select_related("service", "staff")
        .order_by("added_at", "id")
    )


def waitlist_entries_for_client(clinic, client, *, today: datetime.date | None = None):
    """The client's waitlist entries, oldest first; with ``today``, only those whose
    range has not ended."""
    if client is None:
        return WaitlistEntry.objects.none()
    entries = (
        WaitlistEntry.objects.filter(client=client, client__clinic=clinic)
        .select_related("service", "staff")
        .order_by("created_at", "id")
    )
    if today is not None:
        entries = entries.filter(date_to__gte=today)
    return entries
