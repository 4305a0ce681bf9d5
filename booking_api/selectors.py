"""Reads of the booking app. Clinic first; a reference that is not found raises a
BookingError naming the field, so the API answers 400 (or 404 for a booking)."""

from dataclasses import dataclass

from django.db.models import Exists, OuterRef, Prefetch, Q
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from booking_api import lifecycle
from booking_api.errors import BookingErrorCode
from booking_api.images import SERVICE_RENDITIONS, STAFF_RENDITIONS, prefetch_image
from booking_api.models import (
    Booking,
    BookingEvent,
    BookingStatus,
    Service,
    ServiceCategory,
    StaffMember,
)
from booking_api.services.errors import BookingError
from branding.errors import FeatureDisabledError
from branding.models import Location, PaymentMode
from branding.selectors import clinic_policy, feature_enabled
from people.models import Pet


def services_for_clinic(clinic, *, category_id=None):
    """Bookable services with their category, active staff (and their photos), locations
    and picture: renditions prefetched (``booking_api.images``)."""
    staff = StaffMember.objects.filter(active=True).prefetch_related(
        prefetch_image("photo", STAFF_RENDITIONS)
    )
    qs = (
        Service.objects.filter(clinic=clinic, active=True)
        .select_related("category", "clinic")
        .prefetch_related(
            Prefetch("staff", staff), "locations", prefetch_image("image", SERVICE_RENDITIONS)
        )
        .order_by("category__position", "category__name", "position", "name")
    )
    if category_id is not None:
        qs = qs.filter(category_id=category_id)
    return qs


def categories_for_clinic(clinic):
    return ServiceCategory.objects.filter(clinic=clinic)


def staff_for_clinic(clinic, *, service=None):
    qs = StaffMember.objects.filter(clinic=clinic, active=True).prefetch_related(
        "services", prefetch_image("photo", STAFF_RENDITIONS)
    )
    if service is not None:
        qs = qs.filter(services=service)
    return qs


def _by_ref(qs, ref, field, label):
    # ``label`` is translated by the caller ("service", "staff member", "location").
    ref = str(ref or "").strip()
    if not ref:
        raise BookingError(
            _("Choose a %(thing)s.") % {"thing": label}, field=field, code=BookingErrorCode.REQUIRED
        )
    is_id = ref.isdigit() and len(ref) < 19  # beyond bigint is not an id
    found = qs.filter(pk=int(ref)).first() if is_id else qs.filter(key=ref).first()
    if found is None:
        raise BookingError(
            _("There is no %(thing)s %(ref)r at this clinic.") % {"thing": label, "ref": ref},
            field=field,
            code=BookingErrorCode.UNKNOWN_REFERENCE,
        )
    return found


def service_by_ref(clinic, ref, field="service"):
    return _by_ref(
        Service.objects.filter(clinic=clinic, active=True).select_related("clinic"),
        ref,
        field,
        _("service"),
    )


def staff_by_ref(clinic, ref, field="staff"):
    """A staff member by id or key; "any" (or empty) means any available: None."""
    if str(ref or "any").strip().lower() == "any":
        return None
    return _by_ref(
        StaffMember.objects.filter(clinic=clinic, active=True), ref, field, _("staff member")
    )


def location_by_ref(clinic, ref, field="location"):
    if ref in (None, ""):
        return None
    return _by_ref(Location.objects.filter(clinic=clinic), ref, field, _("location"))


def pet_for_booking(clinic, client, pet_id):
    """The client's own active pet named by a booking request, or None when none is named.
    Anyone else's pet, or an unknown id, is the same refusal naming ``pet``."""
    if pet_id is None:
        return None
    pet = Pet.objects.filter(clinic=clinic, owner=client, active=True, pk=pet_id).first()
    if pet is None:
        raise BookingError(
            _("Choose one of the client's own pets."),
            field="pet",
            code=BookingErrorCode.NOT_YOUR_PET,
        )
    return pet


def booking_guest_pet(booking):
    """The pet a guest named for a booking under an existing account that lacked it
    (``name``, ``species``, ``note_line``), waiting for the address to confirm the
    booking; None when there is none."""
    event = booking.events.filter(kind="guest_pet").order_by("-pk").first()
    return event.data if event else None


def with_hold_lapsed(qs):
    """Annotate ``hold_lapsed_flag`` (read by ``Booking.hold_lapsed``): the booking was
    cancelled because its hold ran out. One subquery, not a query per booking."""
    return qs.annotate(
        hold_lapsed_flag=Exists(
            BookingEvent.objects.filter(
                booking=OuterRef("pk"),
                kind="status",
                to_status=BookingStatus.CANCELLED,
                data__hold_expired=True,
            )
        )
    )


def ahead_q(now):
    """Still ahead for the client: upcoming; one they may still check in to (its start
    passed less than ``CHECK_IN_LATE`` ago); or checked in and waiting."""
    return (
        Q(start__gte=now, status__in=lifecycle.UPCOMING_STATUSES)
        | Q(
            start__gte=now - lifecycle.CHECK_IN_LATE,
            status__in=lifecycle.CHECK_IN_FROM_STATUSES,
        )
        | Q(status=BookingStatus.ARRIVED)
    )


def bookings_for_client(clinic, client, *, when=None):
    qs = with_hold_lapsed(
        Booking.objects.filter(clinic=clinic, client=client).select_related(
            "service", "staff", "location"
        )
    )
    now = timezone.now()
    if when == "upcoming":
        return qs.filter(ahead_q(now)).order_by("start")
    if when == "cancelled":
        return qs.filter(cancelled_ahead_q(now)).order_by("start")
    if when == "past":
        return qs.exclude(ahead_q(now)).exclude(cancelled_ahead_q(now)).order_by("-start")
    return qs.order_by("-start")


def cancelled_ahead_q(now):
    """Cancelled, for a time still to come: not a past appointment (a hold that lapsed
    was never booked, and stays with the past as "expired — not booked"). Needs the
    ``with_hold_lapsed`` annotation."""
    return Q(start__gte=now, status__in=lifecycle.CANCELLED_STATUSES, hold_lapsed_flag=False)


def bookings_listed_for_client(clinic, client, *, when=None):
    """The client's bookings as the API lists them, under the clinic's "history" toggle
    as the portal shows them: with history off, past bookings are not listed (asking
    for them is ``feature_disabled``) and the whole list is the upcoming ones."""
    if not feature_enabled(clinic, "history"):
        if when == "past":
            raise FeatureDisabledError(_("This clinic does not show past appointments."))
        when = "upcoming"
    return bookings_for_client(clinic, client, when=when)


def booking_for_client(clinic, client, pk):
    """The client's own booking, or 404: another person's booking is never reachable."""
    booking = (
        Booking.objects.filter(clinic=clinic, client=client, pk=pk)
        .select_related("service", "staff", "location", "clinic__site", "client__user")
        .first()
    )
    if booking is None:
        raise Http404("No such booking.")
    return booking


@dataclass(frozen=True)
class ClientDiscount:
    """A client's own price at booking (``booking_api.pricing``, e.g. a member's
    discount): the full price, what came off it and the provider's label."""

    full_price: int
    discount: int
    label: str


def booking_client_discount(booking) -> ClientDiscount | None:
    """What the booking's "discounted" event recorded when it was made, or None."""
    event = BookingEvent.objects.filter(booking=booking, kind="discounted").order_by("-id").first()
    if event is None:
        return None
    data = event.data or {}
    full = int(data.get("price") or 0)
    to_price = int(data.get("to_price", booking.price) or 0)
    if full <= to_price:
        return None
    return ClientDiscount(full_price=full, discount=full - to_price, label=data.get("label", ""))


def booking_cover_ref(booking) -> str:
    """The prepaid cover the booking was made on (``booking_api.coverage``: a package
    session, a membership credit), as its ref; "" when it was not covered."""
    event = BookingEvent.objects.filter(booking=booking, kind="covered").order_by("-id").first()
    return str((event.data or {}).get("ref", "")) if event is not None else ""


def booking_last_move(booking, to_status) -> BookingEvent | None:
    """The event of the booking's latest move to ``to_status`` (its ``fee`` and, for a
    cancellation, ``refund_decided`` are what that move decided), or None."""
    return (
        BookingEvent.objects.filter(booking=booking, kind="status", to_status=to_status)
        .order_by("-at", "-id")
        .first()
    )


def booking_fee(booking, to_status) -> int:
    """The fee (minor units) the booking's move to ``to_status`` (cancelled, no-show)
    decided and still stands; 0 when there was none or staff waived it."""
    event = booking_last_move(booking, to_status)
    if event is None or not event.fee:
        return 0
    # Staff may waive it afterwards (``booking_fee_waive``).
    waived = BookingEvent.objects.filter(
        booking=booking, kind="fee_waived", data__event=event.pk
    ).exists()
    return 0 if waived else event.fee


def no_show_block(clinic, client):
    """Why the client may not book online: the no-show that blocked them (its booking,
    who marked it and why), or None when they are not blocked or it was set otherwise.
    One query."""
    if not client.online_booking_blocked:
        return None
    return (
        BookingEvent.objects.filter(
            booking__clinic=clinic,
            booking__client=client,
            kind="status",
            to_status=BookingStatus.NO_SHOW,
            data__blocked=True,
        )
        .select_related("booking__service", "actor")
        .order_by("-at", "-id")
        .first()
    )


def service_deposit(clinic, service) -> int:
    """The deposit taken when booking ``service`` (minor units): only at a clinic whose
    one payment setting is 'Deposit at booking' — the service's own amount, else the
    clinic's percent of the price. What the booking records, the API lists and the
    checkout charges."""
    policy = clinic_policy(clinic)
    if policy.payment_mode != PaymentMode.DEPOSIT:
        return 0
    if service.deposit:
        return min(service.deposit, service.price)
    return service.price * (policy.deposit_percent or 0) // 100


@dataclass(frozen=True)
class PetBooking:
    """One of a pet's upcoming appointments with what cancelling it now would mean."""

    booking: Booking
    quote: object  # services.policy.CancellationQuote


def pet_upcoming_bookings(pet, *, now=None) -> list[PetBooking]:
    """The pet's upcoming appointments (soonest first), each with the clinic's
    cancellation quote for the owner cancelling it now: free, a late fee, or to be
    cancelled through the clinic (``quote.allowed`` False). Removing a pet gives no
    special terms; the policy is the one every cancellation goes under."""
    from booking_api.services.policy import cancellation_quote

    now = now or timezone.now()
    bookings = (
        Booking.objects.filter(pet=pet, start__gte=now, status__in=lifecycle.UPCOMING_STATUSES)
        .select_related("clinic", "service", "staff")
        .order_by("start")
    )
    return [PetBooking(booking, cancellation_quote(booking, now=now)) for booking in bookings]
