"""Reads about the sync, clinic first."""

from django.db.models import Q

from sync.models import (
    BookingLink,
    ExternalAppointment,
    LinkState,
    PetMerge,
    PetSyncState,
    SyncConnection,
    SyncRecordError,
    SyncRun,
)


def connections_due(now):
    """Ids of the connections whose next run is due (and not running)."""
    return list(
        SyncConnection.objects.filter(enabled=True)
        .filter(Q(next_run_at__isnull=True) | Q(next_run_at__lte=now))
        .values_list("pk", flat=True)
    )


def clinic_connection(clinic):
    return SyncConnection.objects.filter(clinic=clinic).first()


def clinic_last_synced(clinic):
    """When the clinic's data last came from its practice system, or None."""
    return (
        SyncConnection.objects.filter(clinic=clinic, enabled=True)
        .values_list("last_success_at", flat=True)
        .first()
    )


def sync_overview(clinic, *, runs=10, errors=50):
    """What the staff page shows: the connection, recent runs, open record errors,
    bookings that need attention, recent merges and pets taken out."""
    connection = clinic_connection(clinic)
    if connection is None:
        return {"connection": None}
    return {
        "connection": connection,
        "runs": list(SyncRun.objects.filter(connection=connection)[:runs]),
        "errors": list(
            SyncRecordError.objects.filter(connection=connection, resolved_at__isnull=True)[:errors]
        ),
        "attention": list(
            BookingLink.objects.filter(clinic=clinic, state=LinkState.NEEDS_ATTENTION)
            .select_related("booking__client__user", "booking__service")
            .order_by("-updated_at")[:50]
        ),
        "merges": list(
            PetMerge.objects.filter(clinic=clinic).select_related("kept", "merged")[:20]
        ),
        "removed": list(
            PetSyncState.objects.filter(clinic=clinic)
            .exclude(status="active")
            .select_related("pet__owner__user")
            .order_by("-status_since")[:20]
        ),
    }


def practice_appointments_busy(*, clinic, staff_ids, start, end):
    """The availability engine's source (``booking_api.availability.external``): the
    practice system's own appointments on these staff members' diaries. One query."""
    return ExternalAppointment.objects.filter(
        clinic=clinic,
        staff_id__in=staff_ids,
        cancelled=False,
        start__lt=end,
        end__gt=start,
    ).values_list("staff_id", "start", "end")


def booking_is_for_deceased_pet(booking) -> bool:
    """The reminder veto: never remind an owner about a pet the practice system says
    has died."""
    if not booking.pet_id:
        return False
    return PetSyncState.objects.filter(pet_id=booking.pet_id, status="deceased").exists()
