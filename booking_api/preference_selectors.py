"""Reads of a client's booking preferences, clinic first."""

from booking_api.models import BookingPreferences, Service, StaffMember
from branding.models import Location


def booking_preferences_for(clinic, client):
    """The client's booking preferences with their services (two queries), or None."""
    if client is None:
        return None
    return (
        BookingPreferences.objects.filter(client=client, client__clinic=clinic)
        .select_related("location", "staff")
        .prefetch_related("services")
        .first()
    )


def preference_choices(clinic):
    """What a client may prefer here: locations, bookable staff and services."""
    return {
        "locations": Location.objects.filter(clinic=clinic),
        "staff": StaffMember.objects.filter(clinic=clinic, active=True).order_by("display_name"),
        "services": Service.objects.filter(clinic=clinic, active=True).order_by("name"),
    }
