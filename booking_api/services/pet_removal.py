"""Taking a pet out of the app together with the upcoming appointments its owner
chooses to cancel. people (below) owns the pet; booking_api owns the bookings, so the
one step that does both lives here. Each appointment is cancelled through
``booking_cancel`` as the owner, under the clinic's cancellation policy: removing a pet
earns no special terms, so a late one carries its fee (shown before, the owner
chooses) and one the policy sends to the clinic is refused."""

from django.db import transaction
from django.utils.translation import gettext as _

from booking_api.errors import BookingErrorCode
from booking_api.selectors import pet_upcoming_bookings
from booking_api.services.errors import BookingError
from booking_api.services.transitions import booking_cancel
from branding.errors import DomainError
from people.pet_services import pet_deactivate


@transaction.atomic
def pet_remove_with_bookings(*, pet, actor, cancel=(), now=None) -> list:
    """Cancel the pet's upcoming bookings whose ids are in ``cancel`` (the owner chose
    them), then take the pet out of the app; all or nothing — a booking that is not
    one of the pet's upcoming ones, or one the policy refuses, leaves everything as it
    was (the error names ``cancel``). Returns the bookings cancelled."""
    wanted = {str(i) for i in cancel}
    upcoming = {str(item.booking.pk): item.booking for item in pet_upcoming_bookings(pet, now=now)}
    unknown = wanted - set(upcoming)
    if unknown:
        raise BookingError(
            _("This appointment is not one of %(name)s's upcoming appointments.")
            % {"name": pet.name},
            field="cancel",
            code=BookingErrorCode.PET_BOOKING_UNKNOWN,
        )
    reason = _("%(name)s was removed from the app.") % {"name": pet.name}
    cancelled = []
    for key in sorted(wanted, key=lambda k: upcoming[k].start):
        try:
            cancelled.append(
                booking_cancel(
                    booking=upcoming[key], actor=actor, by_client=True, reason=reason, now=now
                )
            )
        except DomainError as exc:  # refused by the policy: nothing happens
            exc.field = "cancel"
            raise
    pet_deactivate(pet=pet)
    return cancelled
