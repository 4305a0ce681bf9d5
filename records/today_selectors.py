"""The desk's day (the admin home's Today panel): today's arrivals per location, with
status, pinned-note and allergy markers and what is still unpaid; the bookings that need
someone to act; unread messages, the waitlist and today's takings. A constant number of
queries however many bookings there are (asserted in tests/records/test_today.py).

"Today" is the clinic's local day. A therapist sees their own day: their bookings only,
and no takings."""

import datetime
import zoneinfo
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from booking_api import lifecycle
from booking_api.calendar_selectors import day_bookings, local_day_bounds, waitlist_counts
from booking_api.lifecycle import BookingStatus
from payments.selectors import Takings, balances_due, takings_between
from people.models import ClientAccount
from people.selectors import client_pinned_notes
from records.medical.selectors import allergies_by_booking_subject
from records.message_selectors import staff_unread_clients

LATE_AFTER = datetime.timedelta(minutes=15)  # not checked in this long after the start
OVERRUN_AFTER = datetime.timedelta(minutes=30)  # still started this long after the end


@dataclass
class Arrival:
    booking: object
    pinned: list = field(default_factory=list)
    allergies: str = ""
    unpaid: int = 0
    attention: str = ""  # why someone should act, or ""

    can_check_in: bool = False  # may be checked in now (status and the clock)


@dataclass
class LocationDay:
    location: object
    arrivals: list


@dataclass
class WaitingItem:
    """A line of "Requests waiting": what, how many, where to deal with it."""

    key: str
    label: str
    count: int
    url: str = ""


@dataclass
class Today:
    day: datetime.date
    locations: list
    attention: list
    unread: list  # (client, count)
    unread_total: int
    waitlist_waiting: int
    waitlist_offered: int
    takings: Takings | None
    own_day: bool

    @property
    def arrivals(self):
        return [a for day in self.locations for a in day.arrivals]


def attention_reason(booking, now, unpaid) -> str:
    """Why a booking of today needs someone to act, or ""."""
    status = booking.status
    if status == BookingStatus.PENDING_PAYMENT:
        return _("Held for payment: not paid yet")
    if status == BookingStatus.UNVERIFIED:
        return _("The client has not confirmed the booking yet")
    if status in lifecycle.CHECK_IN_FROM_STATUSES and now > booking.start + LATE_AFTER:
        minutes = int((now - booking.start).total_seconds() // 60)
        return _("Not checked in: %(minutes)s minutes late") % {"minutes": minutes}
    if status == BookingStatus.STARTED and now > booking.end + OVERRUN_AFTER:
        return _("Still in progress after its end: complete it")
    if status == BookingStatus.COMPLETED and unpaid > 0:
        return _("Completed with a balance to pay")
    return ""


def today_for(clinic, *, now, staff_ids=None, with_takings=True, unread_limit=5) -> Today:
    """The desk's day at ``clinic`` as of ``now``; ``staff_ids``: a therapist's own
    bookings only (no messages, waitlist or takings: the desk's business)."""
    day = now.astimezone(zoneinfo.ZoneInfo(clinic.timezone)).date()
    bookings = day_bookings(clinic, day, staff_ids=staff_ids)
    client_ids = {b.client_id for b in bookings}
    pinned = client_pinned_notes(clinic, client_ids) if client_ids else {}
    allergies = allergies_by_booking_subject(clinic, bookings) if client_ids else {}
    unpaid = balances_due(clinic, bookings)
    by_location = {}
    attention = []
    for booking in bookings:
        arrival = Arrival(
            booking=booking,
            pinned=pinned.get(booking.client_id, []),
            allergies=allergies.get((booking.client_id, booking.pet_id), ""),
            unpaid=unpaid.get(booking.pk, 0),
        )
        arrival.attention = attention_reason(booking, now, arrival.unpaid)
        arrival.can_check_in = (
            booking.status in lifecycle.CHECK_IN_FROM_STATUSES
            and now >= lifecycle.earliest_move(BookingStatus.ARRIVED, booking.start)
        )
        if arrival.attention:
            attention.append(arrival)
        by_location.setdefault(booking.location_id, LocationDay(booking.location, []))
        by_location[booking.location_id].arrivals.append(arrival)
    locations = sorted(
        by_location.values(),
        key=lambda d: (not d.location.is_main, d.location.name, d.location.pk),
    )
    own_day = staff_ids is not None
    unread, unread_total, waiting, offered = [], 0, 0, 0
    if not own_day:
        rows, unread_total = staff_unread_clients(clinic, limit=unread_limit)
        clients = ClientAccount.objects.filter(
            clinic=clinic, pk__in=[pk for pk, _n in rows]
        ).select_related("user")
        named = {c.pk: c for c in clients} if rows else {}
        unread = [(named[pk], n) for pk, n in rows if pk in named]
        counts = waitlist_counts(clinic, today=day, now=now)
        waiting, offered = counts.waiting, counts.offered
    takings = None
    if with_takings and not own_day:
        takings = takings_between(clinic, *local_day_bounds(clinic, day))
    return Today(
        day=day,
        locations=locations,
        attention=attention,
        unread=unread,
        unread_total=unread_total,
        waitlist_waiting=waiting,
        waitlist_offered=offered,
        takings=takings,
        own_day=own_day,
    )
