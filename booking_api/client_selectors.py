"""Reads of a client's bookings for the staff account view and client list: the
header's figures, the appointments timeline, last visits. Clinic first; each function
runs a fixed number of queries."""

from dataclasses import dataclass, field

from django.db.models import Count, Max, Q, Subquery
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
    # The next few appointments, soonest first (``next`` is the first).
    upcoming: list = field(default_factory=list)


def client_visit_summary(clinic, client, *, upcoming=1) -> VisitSummary:
    """Completed visits, the last appointment and the next ``upcoming`` ones (with
    service, staff and pet). Two queries whatever the history: the last completed visit
    carries the count as a scalar subquery (one round trip, the last row found on the
    ``(client, start)`` index). What the client spent is what they paid (payments), not
    prices."""
    bookings = Booking.objects.filter(clinic=clinic, client=client)
    completed = bookings.filter(status=COMPLETED)
    # One group (a single client): grouping by it keeps the count a scalar subquery.
    count = completed.order_by().values("client_id").annotate(n=Count("pk")).values("n")
    last = (
        completed.select_related("service", "staff")
        .annotate(visits=Subquery(count))
        .order_by("-start", "-pk")
        .first()
    )
    ahead = list(
        bookings.filter(start__gte=timezone.now(), status__in=AHEAD_STATUSES)
        .select_related("service", "staff", "pet")
        .order_by("start")[: max(upcoming, 1)]
    )
    return VisitSummary(
        visits=last.visits if last else 0,
        currency=clinic.currency,
        last=last,
        next=ahead[0] if ahead else None,
        upcoming=ahead[:upcoming],
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
