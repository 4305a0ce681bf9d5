"""Reads of a client's bookings for the staff account view and client list: the
header's figures, the appointments timeline, last visits. Clinic first; each function
runs a fixed number of queries."""

from dataclasses import dataclass

from django.db.models import Count, Max, Q
from django.utils import timezone

from booking_api.lifecycle import AHEAD_STATUSES
from booking_api.models import Booking, BookingStatus

COMPLETED = BookingStatus.COMPLETED


@dataclass(frozen=True)
class VisitSummary:
    visits: int
    currency: str
    last: Booking | None
    next: Booking | None


def client_visit_summary(clinic, client) -> VisitSummary:
    """Completed visits and the last and next appointments (with service and staff).
    Three queries. What the client spent is what they paid (payments), not prices."""
    bookings = Booking.objects.filter(clinic=clinic, client=client)
    totals = bookings.filter(status=COMPLETED).aggregate(visits=Count("pk"))
    related = bookings.select_related("service", "staff")
    now = timezone.now()
    last = related.filter(status=COMPLETED).order_by("-start").first()
    upcoming = related.filter(start__gte=now, status__in=AHEAD_STATUSES).order_by("start")
    return VisitSummary(
        visits=totals["visits"] or 0,
        currency=clinic.currency,
        last=last,
        next=upcoming.first(),
    )


@dataclass(frozen=True)
class TimelinePage:
    upcoming: list  # every upcoming booking, soonest first
    past: list  # one page of the rest, newest first
    page: int
    has_next: bool


def client_timeline_page(clinic, client, *, pet_id=None, page=1, per_page=25):
    """The client's bookings for the Appointments tab, with service, staff, location
    and pet, optionally for one pet: every upcoming booking, then page
    ``page`` (from 1) of ``per_page`` past ones, and whether there are older ones.
    Two queries whatever the client's history."""
    bookings = Booking.objects.filter(clinic=clinic, client=client).select_related(
        "service", "staff", "location", "pet"
    )
    if pet_id:
        bookings = bookings.filter(pet_id=pet_id)
    ahead = Q(start__gte=timezone.now(), status__in=AHEAD_STATUSES)
    upcoming = list(bookings.filter(ahead).order_by("start"))
    page = max(1, page)
    offset = (page - 1) * per_page
    past = list(bookings.exclude(ahead).order_by("-start", "-pk")[offset : offset + per_page + 1])
    return TimelinePage(
        upcoming=upcoming, past=past[:per_page], page=page, has_next=len(past) > per_page
    )


def client_last_visits(clinic, client_ids):
    """client id → start of their last completed visit, for the given ids. One query."""
    return dict(
        Booking.objects.filter(clinic=clinic, client_id__in=list(client_ids), status=COMPLETED)
        .values("client_id")
        .annotate(last=Max("start"))
        .values_list("client_id", "last")
    )


def client_seen_by_staff_user(clinic, client, user) -> bool:
    """Whether this person (a therapist) has, or had, an appointment with the client:
    what lets a therapist open the client's account."""
    return Booking.objects.filter(clinic=clinic, client=client, staff__user=user).exists()


def client_pets_in_bookings(clinic, client):
    """The pets the client's bookings were for (id, name), for the timeline's filter."""
    return list(
        Booking.objects.filter(clinic=clinic, client=client, pet__isnull=False)
        .values_list("pet_id", "pet__name")
        .distinct()
        .order_by("pet__name")
    )


def last_booked_pet_id(clinic, client):
    """The pet of the client's most recently made booking that was for a pet, or None:
    the booking wizard chooses it already when the client has several pets."""
    return (
        Booking.objects.filter(clinic=clinic, client=client, pet__isnull=False)
        .order_by("-created_at", "-pk")
        .values_list("pet_id", flat=True)
        .first()
    )


def client_ids_seen_by_staff_user(clinic, user):
    """The ids of the clients this person (a therapist) has, or had, an appointment with,
    as a subquery (the same rule as ``client_seen_by_staff_user``)."""
    return Booking.objects.filter(clinic=clinic, staff__user=user).values("client_id").distinct()


def client_upcoming(clinic, client, *, limit=3):
    """The client's next appointments (soonest first, at most ``limit``), with service,
    staff and pet. One query."""
    return list(
        Booking.objects.filter(
            clinic=clinic, client=client, start__gte=timezone.now(), status__in=AHEAD_STATUSES
        )
        .select_related("service", "staff", "pet")
        .order_by("start")[:limit]
    )
