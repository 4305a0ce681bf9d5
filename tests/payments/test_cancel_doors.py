"""Every door cancels through booking_cancel, and a paid booking is refunded exactly once
whichever door it was cancelled at: the portal, the API, the staff calendar and the
staff payments page. The refund follows the after-commit ``booking_cancelled`` event;
nothing else refunds it (no post_save receiver, no second synchronous refund)."""

from unittest import mock

import pytest
import stripe
from django.test import Client
from rest_framework.test import APIClient

from booking_api.lifecycle import Role
from booking_api.models import Booking, BookingStatus
from booking_api.services import booking_cancel, booking_transition
from booking_api.signals import booking_cancelled
from branding.errors import NotAllowedError
from payments import services
from payments.models import Refund
from payments.stripe_api import stripe_client
from tests.factories.clients import MembershipFactory
from tests.fixtures.clinics import host_client

pytestmark = pytest.mark.django_db


def _web(user, clinic):
    client = Client(HTTP_HOST=clinic.site.hostname)
    client.force_login(user)
    return client


def _portal(booking, clinic, patient, staff_user):
    return _web(patient.user, clinic).post(
        f"/bookings/{booking.reference}/cancel/", {"reason": "Away"}
    )


def _api(booking, clinic, patient, staff_user):
    api = host_client(clinic, APIClient)
    api.force_authenticate(patient.user)
    return api.post(f"/api/v1/bookings/{booking.pk}/cancel", {}, format="json")


def _calendar(booking, clinic, patient, staff_user):
    return _web(staff_user, clinic).post(f"/admin/bookings/calendar/{booking.pk}/cancel/")


def _payments_page(booking, clinic, patient, staff_user):
    return _web(staff_user, clinic).post(
        f"/admin/payments/bookings/{booking.pk}/cancel-refund/", {"amount": ""}
    )


@pytest.fixture
def paid(full_policy, held):
    booking = held()
    services.payment_confirm(
        payment=services.checkout_start(booking=booking), payment_method="success"
    )
    booking.refresh_from_db()
    assert booking.status == BookingStatus.BOOKED
    return booking


@pytest.mark.parametrize("door", [_portal, _api, _calendar, _payments_page])
def test_each_door_cancels_and_refunds_exactly_once(
    door, paid, clinic, patient, staff_user, django_capture_on_commit_callbacks
):
    heard = []

    def listener(sender, booking_id, fee, refund_decided, **kwargs):
        heard.append((booking_id, fee, refund_decided))

    booking_cancelled.connect(listener)
    try:
        with (
            mock.patch.object(
                stripe.Refund, "create", wraps=stripe.Refund.create
            ) as stripe_refund_create,
            django_capture_on_commit_callbacks(execute=True),
        ):
            response = door(paid, clinic, patient, staff_user)
    finally:
        booking_cancelled.disconnect(listener)
    assert response.status_code in (200, 302), response
    paid.refresh_from_db()
    assert paid.status == BookingStatus.REFUNDED  # cancelled in good time: all back
    assert list(Refund.objects.filter(payment__booking=paid).values_list("amount", flat=True)) == [
        4500
    ]
    assert [c.kwargs["amount"] for c in stripe_refund_create.call_args_list] == [4500]
    payment = paid.payments.get()
    at_stripe = stripe_client(payment.clinic).Refund.list(
        payment_intent=payment.stripe_payment_intent_id
    )
    assert [r.amount for r in at_stripe.data] == [4500]
    assert heard == [(paid.pk, 0, None)]
    # One cancellation, recorded by the one service, with its fee as a column.
    cancel = paid.events.get(kind="status", to_status="cancelled")
    assert cancel.fee == 0 and cancel.refund_decided is None
    # The event delivered again (a retried task) refunds nothing more.
    booking_cancelled.send(
        sender=Booking, booking=paid, booking_id=paid.pk, fee=0, refund_decided=None
    )
    assert Refund.objects.filter(payment__booking=paid).count() == 1


def test_a_late_cancellation_fee_is_a_column_and_kept(
    full_policy, held, django_capture_on_commit_callbacks
):
    from branding.services import policy_update
    from tests.fixtures.booking import MONDAY, at

    policy_update(clinic=full_policy, late_cancel_fee_kind="percent", late_cancel_fee_value=50)
    booking = held()
    services.payment_confirm(
        payment=services.checkout_start(booking=booking), payment_method="success"
    )
    with django_capture_on_commit_callbacks(execute=True):
        booking_cancel(booking=Booking.objects.get(pk=booking.pk), now=at(MONDAY, "08:00"))
    cancel = booking.events.get(kind="status", to_status="cancelled")
    assert cancel.fee == 2250
    assert [r.amount for r in Refund.objects.filter(payment__booking=booking)] == [2250]


def test_roles_are_enforced_in_the_service(paid, clinic, staff_user):
    therapist = MembershipFactory(clinic=clinic, role="therapist").user
    # A therapist may not cancel, whatever view lets them try; front desk may.
    with pytest.raises(NotAllowedError) as refused:
        booking_cancel(booking=paid, actor=therapist, by_client=False)
    assert refused.value.code == "role_not_allowed"
    # Nobody but the system confirms a payment hold as paid.
    held_booking = Booking.objects.get(pk=paid.pk)
    held_booking.status = BookingStatus.PENDING_PAYMENT
    held_booking.save(update_fields=["status"])
    with pytest.raises(NotAllowedError):
        booking_transition(booking=held_booking, to_status=BookingStatus.BOOKED, actor=staff_user)
    # Someone with no role at the clinic may not act for it.
    outsider = MembershipFactory(role="staff").user  # staff at another clinic
    with pytest.raises(NotAllowedError):
        booking_transition(booking=held_booking, to_status=BookingStatus.CONFIRMED, actor=outsider)
    assert (
        booking_transition(
            booking=held_booking, to_status=BookingStatus.BOOKED, role=Role.SYSTEM
        ).status
        == BookingStatus.BOOKED
    )
