"""The client's booking preferences (preferred location, staff member, services)."""

from django.db import transaction

from booking_api.models import BookingPreferences
from booking_api.services.errors import BookingError


def _own(clinic, obj, field, label):
    if obj is not None and obj.clinic_id != clinic.pk:
        raise BookingError(f"That {label} is not at this clinic.", field=field)


@transaction.atomic
def booking_preferences_update(
    *, clinic, client, location=None, staff=None, services=()
) -> BookingPreferences:
    """Replace the client's preferences. Every choice must belong to the client's clinic
    (another clinic's staff or service is refused naming the field, nothing saved)."""
    if client.clinic_id != clinic.pk:
        raise BookingError("That client does not belong to this clinic.", field="client")
    _own(clinic, location, "location", "location")
    _own(clinic, staff, "staff", "staff member")
    services = list(services)
    for service in services:
        _own(clinic, service, "services", "service")
    prefs, _ = BookingPreferences.objects.select_for_update().get_or_create(client=client)
    prefs.location, prefs.staff = location, staff
    prefs.save()
    prefs.services.set(services)
    return prefs
