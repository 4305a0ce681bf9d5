"""Issue 19, payments that recover: after a declined card another card works (a fresh
PaymentIntent, not a re-confirm of the failed one), and the card that asks for
authentication gets its 3-D Secure step or a plain message, never a 500 — in the
service, the portal's checkout and the API alike."""

import pytest
from django.core import mail

from booking_api.models import Booking, BookingStatus
from payments import services
from payments.errors import CardDeclinedError
from payments.models import Payment, PaymentStatus
from payments.stripe_api import stripe_client
from tests.fixtures.booking import MONDAY, at

pytestmark = pytest.mark.django_db


def test_after_a_declined_card_another_card_pays_on_a_fresh_intent(
    deposit_policy, held, django_capture_on_commit_callbacks
):
    booking = held()
    payment = services.checkout_start(booking=booking)
    declined_intent = payment.stripe_payment_intent_id
    with pytest.raises(CardDeclinedError):
        services.payment_confirm(payment=payment, payment_method="decline")

    with django_capture_on_commit_callbacks(execute=True):
        payment = services.checkout_start(booking=booking)
        paid = services.payment_confirm(payment=payment, payment_method="success")

    assert (paid.status, paid.amount_captured) == (PaymentStatus.SUCCEEDED, 900)
    assert paid.stripe_payment_intent_id != declined_intent
    assert Payment.objects.count() == 1
    assert Booking.objects.get(pk=booking.pk).status == BookingStatus.BOOKED
    # The declined attempt can never pay later: it is cancelled at Stripe.
    old = stripe_client(booking.clinic).PaymentIntent.retrieve(declined_intent)
    assert old.status == "canceled"
    declined = booking.events.get(kind="payment_declined")
    assert declined.data["stripe_payment_intent"] == declined_intent


def test_a_decline_then_another_card_in_the_portal(
    deposit_policy, service, emma, signed_in, django_capture_on_commit_callbacks
):
    start = at(MONDAY, "10:00")
    signed_in.post(
        "/book/confirm/",
        {"service": service.pk, "staff": "any", "t": int(start.timestamp()), "notes": ""},
    )
    booking = Booking.objects.get()
    url = f"/book/pay/{booking.reference}/"
    declined = signed_in.post(url, {"card": "decline"})
    assert declined.status_code == 402 and "Your card was declined." in declined.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        paid = signed_in.post(url, {"card": "success"})
    assert paid.status_code == 302, paid.content.decode()[-2000:]
    assert paid["Location"] == f"/book/done/{booking.reference}/"
    booking.refresh_from_db()
    assert booking.status == BookingStatus.BOOKED
    assert len(mail.outbox) >= 1


def hold_in_portal(portal, service):
    start = at(MONDAY, "10:00")
    portal.post(
        "/book/confirm/",
        {"service": service.pk, "staff": "any", "t": int(start.timestamp()), "notes": ""},
    )
    booking = Booking.objects.get()
    return booking, f"/book/pay/{booking.reference}/"


def test_the_authentication_card_shows_its_3d_secure_step_in_the_portal(
    deposit_policy, service, emma, signed_in
):
    booking, url = hold_in_portal(signed_in, service)
    page = signed_in.post(url, {"card": "authentication"})
    assert page.status_code == 402
    html = page.content.decode()
    assert "Your bank asks you to confirm this payment (3-D Secure)" in html
    assert 'value="complete"' in html and 'value="fail"' in html
    # Opening the checkout again (a reload) shows the same step, no 500.
    again = signed_in.get(url)
    assert again.status_code == 402 and 'value="complete"' in again.content.decode()
    done = signed_in.post(url, {"authenticate": "complete"})
    assert done.status_code == 302 and done["Location"] == f"/book/done/{booking.reference}/"
    assert Booking.objects.get().status == BookingStatus.BOOKED
    assert Payment.objects.get().status == PaymentStatus.SUCCEEDED


def test_a_failed_authentication_says_so_and_another_card_pays(
    deposit_policy, service, emma, signed_in
):
    booking, url = hold_in_portal(signed_in, service)
    signed_in.post(url, {"card": "authentication"})
    failed = signed_in.post(url, {"authenticate": "fail"})
    assert failed.status_code == 402
    assert "Your bank did not confirm this payment." in failed.content.decode()
    assert Booking.objects.get().status == BookingStatus.PENDING_PAYMENT
    paid = signed_in.post(url, {"card": "success"})
    assert paid.status_code == 302
    assert Booking.objects.get().status == BookingStatus.BOOKED


def test_another_card_instead_of_authenticating_pays_on_a_fresh_intent(deposit_policy, held):
    booking = held()
    payment = services.checkout_start(booking=booking)
    waiting = services.payment_confirm(payment=payment, payment_method="authentication")
    assert waiting.status == PaymentStatus.REQUIRES_ACTION
    assert waiting.next_action == {"type": "use_stripe_sdk"}
    first = waiting.stripe_payment_intent_id
    paid = services.payment_confirm(payment=waiting, payment_method="success")
    assert paid.status == PaymentStatus.SUCCEEDED and paid.stripe_payment_intent_id != first
    # The one awaiting authentication can no longer be completed.
    assert stripe_client(booking.clinic).PaymentIntent.retrieve(first).status == "canceled"


def checkout(api):
    return api.post(
        "/api/v1/checkout",
        {"service": "consult", "staff": "emma", "start": at(MONDAY, "10:00").isoformat()},
        format="json",
    )


def test_the_api_pays_with_another_card_after_a_decline(deposit_policy, emma, patient_api):
    body = checkout(patient_api).json()
    pid = body["payment"]["id"]
    declined = patient_api.post(
        f"/api/v1/payments/{pid}/confirm", {"payment_method": "decline"}, format="json"
    )
    assert declined.status_code == 402
    paid = patient_api.post(
        f"/api/v1/payments/{pid}/confirm", {"payment_method": "success"}, format="json"
    )
    assert paid.status_code == 200, paid.json()
    assert paid.json()["status"] == "succeeded"
    assert Booking.objects.get(pk=body["booking"]).status == BookingStatus.BOOKED


def test_the_api_returns_requires_action_with_the_next_action(deposit_policy, emma, patient_api):
    body = checkout(patient_api).json()
    pid = body["payment"]["id"]
    response = patient_api.post(
        f"/api/v1/payments/{pid}/confirm", {"payment_method": "authentication"}, format="json"
    )
    assert response.status_code == 200, response.json()
    data = response.json()
    assert data["status"] == "requires_action"
    assert data["client_secret"].startswith(Payment.objects.get().stripe_payment_intent_id)
    assert data["next_action"]["type"] == "use_stripe_sdk"
    # The checkout resumed shows the same state and secret.
    resumed = patient_api.post(f"/api/v1/bookings/{body['booking']}/checkout").json()
    assert resumed["payment"]["status"] == "requires_action"
    assert resumed["client_secret"] == data["client_secret"]
