"""The cart: services a client saved to book later. It reserves nothing; booking from it
goes through ``booking_create``, so the slot is checked again at that moment."""

from django.db import transaction
from django.utils.translation import gettext as _

from booking_api.errors import BookingErrorCode
from booking_api.models import Booking, BookingSource, CartItem
from booking_api.services.bookings import booking_create
from booking_api.services.errors import BookingError
from branding.errors import FeatureDisabledError
from branding.selectors import feature_enabled


class CartError(BookingError):
    """A cart request broke a rule."""


ITEM_STAFF = object()  # cart_book's default: the staff member saved with the item


def _check_cart(clinic, client):
    if not feature_enabled(clinic, "cart"):
        raise FeatureDisabledError(_("The cart is turned off at this clinic."))
    if client.clinic_id != clinic.pk:
        raise CartError(
            _("That client does not belong to this clinic."),
            field="client",
            code=BookingErrorCode.OTHER_CLINIC,
        )


def _check_service_and_staff(clinic, service, staff):
    if service is None or service.clinic_id != clinic.pk or not service.active:
        raise CartError(
            _("That service is not offered here."),
            field="service",
            code=BookingErrorCode.SERVICE_UNAVAILABLE,
        )
    if staff is not None:
        if staff.clinic_id != clinic.pk or not staff.active:
            raise CartError(
                _("That staff member is not available here."),
                field="staff",
                code=BookingErrorCode.STAFF_UNAVAILABLE,
            )
        if not staff.services.filter(pk=service.pk).exists():
            raise CartError(
                _("%(staff)s does not perform %(service)s.") % {"staff": staff, "service": service},
                field="staff",
                code=BookingErrorCode.STAFF_UNAVAILABLE,
            )


def _item(clinic, client, item_id) -> CartItem:
    item = (
        CartItem.objects.select_for_update(of=("self",))
        .select_related("service", "staff")
        .filter(pk=item_id, client=client, client__clinic=clinic)
        .first()
    )
    if item is None:
        raise CartError(
            _("That item is not in your cart."),
            field="item",
            status=404,
            code=BookingErrorCode.NOT_FOUND,
        )
    return item


@transaction.atomic
def cart_add(*, clinic, client, service, staff=None) -> tuple[CartItem, bool]:
    """Save ``service`` (with an optional preferred ``staff``) to the client's cart.
    A service already in the cart is kept once; its preferred staff is updated.
    Returns (item, created)."""
    _check_cart(clinic, client)
    _check_service_and_staff(clinic, service, staff)
    item, created = CartItem.objects.select_for_update().get_or_create(
        client=client, service=service, defaults={"staff": staff}
    )
    if not created and item.staff_id != (staff.pk if staff else None):
        item.staff = staff
        item.save(update_fields=["staff"])
    return item, created


@transaction.atomic
def cart_remove(*, clinic, client, item_id) -> None:
    """Take an item out of the client's own cart (another client's item: 404)."""
    _check_cart(clinic, client)
    _item(clinic, client, item_id).delete()


@transaction.atomic
def cart_book(
    *, clinic, client, item_id, start, staff=ITEM_STAFF, source=BookingSource.APP, actor=None
) -> Booking:
    """Book a cart item at ``start`` with ``staff`` (None: anyone available; by default
    the staff member saved with the item, if any). ``booking_create`` checks the slot
    again; on success the item leaves the cart, on failure the cart is unchanged."""
    _check_cart(clinic, client)
    item = _item(clinic, client, item_id)
    booking = booking_create(
        clinic=clinic,
        client=client,
        service=item.service,
        start=start,
        staff=item.staff if staff is ITEM_STAFF else staff,
        source=source,
        actor=actor,
    )
    item.delete()
    return booking
