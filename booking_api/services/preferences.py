"""The client's booking preferences (preferred location, staff member, services)."""

from django.db import transaction
from django.utils.translation import gettext

from booking_api.errors import BookingErrorCode
from booking_api.models import BookingPreferences
from booking_api.services.errors import BookingError


def _foreign(clinic, obj):
    return obj is not None and obj.clinic_id != clinic.pk


@transaction.atomic
def booking_preferences_update(
    *, clinic, client, location=None, staff=None, services=()
) -> BookingPreferences:
    """Replace the client's preferences. Every choice must belong to the client's clinic
    (another clinic's staff or service is refused naming the field, nothing saved)."""
    if client.clinic_id != clinic.pk:
        raise BookingError(
            gettext("That client does not belong to this clinic."),
            field="client",
            code=BookingErrorCode.OTHER_CLINIC,
        )
    if _foreign(clinic, location):
        raise BookingError(
            gettext("That location is not at this clinic."),
            field="location",
            code=BookingErrorCode.OTHER_CLINIC,
        )
    if _foreign(clinic, staff):
        raise BookingError(
            gettext("That staff member is not at this clinic."),
            field="staff",
            code=BookingErrorCode.OTHER_CLINIC,
        )
    services = list(services)
    for service in services:
        if _foreign(clinic, service):
            raise BookingError(
                gettext("That service is not at this clinic."),
                field="services",
                code=BookingErrorCode.OTHER_CLINIC,
            )
    prefs, _ = BookingPreferences.objects.select_for_update().get_or_create(client=client)
    prefs.location, prefs.staff = location, staff
    prefs.save()
    prefs.services.set(services)
    return prefs
