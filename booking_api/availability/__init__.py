"""Which slots are free. ``find_slots`` is the only source of truth; ``slot_offered``
asks it about one start, so booking and listing can never disagree."""

import zoneinfo

from booking_api.availability.engine import Slot, find_slots


def slot_offered(
    *,
    clinic,
    service,
    staff_ids,
    start,
    location_id=None,
    now=None,
    ignore_booking_id=None,
    apply_policy=True,
    ignore_bookings=False,
    client=None,
) -> Slot | None:
    """The offered slot starting exactly at ``start`` (any of ``staff_ids``), or None."""
    day = start.astimezone(zoneinfo.ZoneInfo(clinic.timezone)).date()
    for slot in find_slots(
        clinic=clinic,
        service=service,
        date_from=day,
        date_to=day,
        staff_ids=staff_ids,
        location_id=location_id,
        now=now,
        ignore_booking_id=ignore_booking_id,
        apply_policy=apply_policy,
        ignore_bookings=ignore_bookings,
        client=client,
    ):
        if slot.start == start:
            return slot
    return None


__all__ = ["Slot", "find_slots", "slot_offered"]
