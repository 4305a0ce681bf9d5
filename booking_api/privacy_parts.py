"""The booking app's part of a client's data for ``privacy`` (``privacy/registry.py``):
bookings, patch tests, cart, waitlist and booking preferences. Erasing keeps bookings
and patch tests (the clinic's records, on the detached account) without the free text
typed about the person, and deletes what only served them (cart, waitlist,
preferences)."""

from booking_api.models import Booking, BookingEvent, BookingPreferences, CartItem, PatchTest
from booking_api.models.cart import WaitlistEntry


def export_bookings(*, clinic, client):
    bookings = (
        Booking.objects.filter(clinic=clinic, client=client)
        .select_related("service", "staff", "location", "pet")
        .order_by("start", "pk")
    )
    return {
        "data": [
            {
                "reference": str(booking.reference),
                "service": booking.service.name,
                "with": str(booking.staff),
                "location": booking.location.name,
                "pet": booking.pet.name if booking.pet else None,
                "start": booking.start.isoformat(),
                "end": booking.end.isoformat(),
                "status": booking.status,
                "price_minor_units": booking.price,
                "deposit_minor_units": booking.deposit,
                "currency": booking.currency,
                "your_notes": booking.client_notes,
                "booked_through": booking.source,
            }
            for booking in bookings
        ]
    }


def export_patch_tests(*, clinic, client):
    tests = PatchTest.objects.filter(clinic=clinic, client=client).order_by("tested_on", "pk")
    return {"data": [{"tested_on": t.tested_on.isoformat(), "result": t.result} for t in tests]}


def erase_bookings(*, clinic, client, user):
    bookings = Booking.objects.filter(clinic=clinic, client=client)
    cleared = bookings.update(client_notes="", internal_notes="")
    BookingEvent.objects.filter(booking__in=bookings).exclude(reason="").update(reason="")
    cart, _ = CartItem.objects.filter(client=client).delete()
    waitlist, _ = WaitlistEntry.objects.filter(client=client).delete()
    BookingPreferences.objects.filter(client=client).delete()
    return {"bookings_cleared": cleared, "cart": cart, "waitlist": waitlist}


def erase_patch_tests(*, clinic, client, user):
    # The result and date stay (clinical record); a note typed about the person goes.
    return {
        "patch_test_notes": PatchTest.objects.filter(clinic=clinic, client=client).update(notes="")
    }


PARTS = [
    {"key": "bookings", "order": 20, "export": export_bookings, "erase": erase_bookings},
    {
        "key": "patch_tests",
        "order": 21,
        "export": export_patch_tests,
        "erase": erase_patch_tests,
    },
]
