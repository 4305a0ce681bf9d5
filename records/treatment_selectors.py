"""Reads of treatment records and the follow-up list, clinic first, each in a constant
number of queries. Who sees which follow-ups follows the client-account rules: the
front desk every client's, a therapist those of clients they have (or had) an
appointment with."""

import datetime

from django.db.models import Prefetch, Q

from booking_api.client_selectors import client_ids_seen_by_staff_user
from people.models import StaffRole
from records.models import TreatmentRecord, TreatmentRecordVersion

UPCOMING_DAYS = 30


def _records(clinic):
    return TreatmentRecord.objects.filter(clinic=clinic).select_related(
        "booking__service", "booking__staff", "author", "client"
    )


def treatment_records_for_client(clinic, client):
    """The client's treatment records, the newest appointment first, with the
    appointment's service and staff, the author and every version (newest first). Two
    queries."""
    return list(
        _records(clinic)
        .filter(client=client)
        .prefetch_related(
            Prefetch(
                "versions",
                queryset=TreatmentRecordVersion.objects.select_related("author").order_by(
                    "-number"
                ),
            )
        )
        .order_by("-booking__start", "-created_at", "-pk")
    )


def treatment_records_for_booking(clinic, booking, *, limit=5):
    """This appointment's records (oldest first), and the client's records from other
    appointments (newest first, up to ``limit``). Two queries."""
    this = list(_records(clinic).filter(booking=booking).order_by("created_at", "pk"))
    earlier = list(
        _records(clinic)
        .filter(client_id=booking.client_id)
        .exclude(booking=booking)
        .order_by("-booking__start", "-pk")[:limit]
    )
    return this, earlier


def treatment_record(clinic, pk):
    """One of the clinic's records, or None (another clinic's id finds nothing)."""
    return _records(clinic).filter(pk=pk).select_related("booking__clinic").first()


def follow_ups_due(clinic, *, user, role, today, days=UPCOMING_DAYS):
    """Follow-ups not done yet, due up to ``days`` after ``today`` (the clinic's date),
    soonest first, split into (overdue, today, upcoming). One query."""
    rows = _records(clinic).filter(
        follow_up_on__isnull=False,
        follow_up_done_at__isnull=True,
        follow_up_on__lte=today + datetime.timedelta(days=days),
    )
    if role == StaffRole.THERAPIST:
        rows = rows.filter(
            Q(author=user) | Q(client_id__in=client_ids_seen_by_staff_user(clinic, user))
        )
    elif role not in (StaffRole.MANAGER, StaffRole.STAFF):
        rows = rows.none()
    rows = list(rows.select_related("client__user").order_by("follow_up_on", "pk"))
    return (
        [r for r in rows if r.follow_up_on < today],
        [r for r in rows if r.follow_up_on == today],
        [r for r in rows if r.follow_up_on > today],
    )
