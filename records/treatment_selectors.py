"""Reads of treatment records and the follow-up list, clinic first, each in a constant
number of queries. Who sees which follow-ups follows the client-account rules: the
front desk every client's, a therapist those of clients they have (or had) an
appointment with."""

import datetime

from django.db.models import Prefetch, Q

from booking_api.client_selectors import client_ids_seen_by_staff_user
from branding.selectors import feature_enabled
from people.models import StaffRole
from records.models import (
    ANIMAL_AREAS,
    COMMON_AREAS,
    TreatmentRecord,
    TreatmentRecordVersion,
    TreatmentSettings,
)


def treatment_areas(clinic) -> list[str]:
    """The areas a treatment record offers at ``clinic``: its own list (Settings →
    Treatment records, one per line), else the defaults for its kind — body regions of
    an animal at a clinic with pets (a vet), face and body areas elsewhere."""
    own = TreatmentSettings.for_site(clinic.site).areas
    listed = list(dict.fromkeys(line.strip() for line in own.splitlines() if line.strip()))
    if listed:
        return listed
    defaults = ANIMAL_AREAS if feature_enabled(clinic, "pets") else COMMON_AREAS
    return [str(area) for area in defaults]


UPCOMING_DAYS = 30
DONE_SHOWN = 100


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


def _follow_ups_seen_by(clinic, rows, *, user, role):
    """The front desk sees every follow-up; a therapist those of the clients they treat
    and those they wrote; anyone else none."""
    if role == StaffRole.THERAPIST:
        return rows.filter(
            Q(author=user) | Q(client_id__in=client_ids_seen_by_staff_user(clinic, user))
        )
    if role not in (StaffRole.MANAGER, StaffRole.STAFF):
        return rows.none()
    return rows


def follow_ups_due(clinic, *, user, role, today, days=UPCOMING_DAYS):
    """Follow-ups not done yet, due up to ``days`` after ``today`` (the clinic's date),
    soonest first, split into (overdue, today, upcoming). One query."""
    rows = _records(clinic).filter(
        follow_up_on__isnull=False,
        follow_up_done_at__isnull=True,
        follow_up_on__lte=today + datetime.timedelta(days=days),
    )
    rows = _follow_ups_seen_by(clinic, rows, user=user, role=role)
    rows = list(rows.select_related("client__user").order_by("follow_up_on", "pk"))
    return (
        [r for r in rows if r.follow_up_on < today],
        [r for r in rows if r.follow_up_on == today],
        [r for r in rows if r.follow_up_on > today],
    )


def follow_ups_done(clinic, *, user, role, limit=DONE_SHOWN):
    """Follow-ups marked done, the most recently done first, with who marked them (the
    same people see them as the due list). One query."""
    rows = _records(clinic).filter(follow_up_on__isnull=False, follow_up_done_at__isnull=False)
    rows = _follow_ups_seen_by(clinic, rows, user=user, role=role)
    return list(
        rows.select_related("client__user", "follow_up_done_by").order_by(
            "-follow_up_done_at", "-pk"
        )[:limit]
    )
