"""A payment hold's expiry is fixed when the hold is made: a declined card, a failed
bank step and the fresh attempt after them keep it, so failing payments cannot keep a
slot held for ever — in the service, the portal's pay page and the API alike."""

import datetime

import pytest
from django.utils import dateparse, timezone

from booking_api.models import Booking, BookingStatus
from payments import services
from payments.errors import CardDeclinedError
from tests.fixtures.booking import MONDAY, at

pytestmark = pytest.mark.django_db


def _shorten(booking, seconds):
    """The hold was made a while ago: ``seconds`` are left of it."""
    expires = timezone.now() + datetime.timedelta(seconds=seconds)
    Booking.objects.filter(pk=booking.pk).update(hold_expires_at=expires)
    return Booking.objects.get(pk=booking.pk).hold_expires_at


def test_declines_and_fresh_attempts_keep_the_holds_expiry(deposit_policy, held):
    booking = held()
    expires = _shorten(booking, 200)
    for _attempt in range(3):
        payment = services.checkout_start(booking=booking)  # a fresh intent after a decline
        with pytest.raises(CardDeclinedError):
            services.payment_confirm(payment=payment, payment_method="decline")
        assert Booking.objects.get(pk=booking.pk).hold_expires_at == expires
    payment = services.payment_confirm(
        payment=services.checkout_start(booking=booking), payment_method="authentication"
    )
    services.payment_test_authenticate(payment=payment, success=False)
    services.checkout_start(booking=booking)
    assert Booking.objects.get(pk=booking.pk).hold_expires_at == expires


def test_the_pay_page_shows_the_minutes_truly_left_after_declines(
    deposit_policy, service, emma, signed_in
):
    start = at(MONDAY, "10:00")
    signed_in.post(
        "/book/confirm/",
        {"service": service.pk, "staff": "any", "t": int(start.timestamp()), "notes": ""},
    )
    booking = Booking.objects.get()
    expires = _shorten(booking, 200)  # 3 minutes 20 seconds: "4 more minutes"
    url = f"/book/pay/{booking.reference}/"
    for _attempt in range(2):
        declined = signed_in.post(url, {"card": "decline"})
        html = declined.content.decode()
        assert declined.status_code == 402
        assert "We are holding your time for 4 more minutes." in html
    again = signed_in.get(url).content.decode()
    assert "We are holding your time for 4 minutes while you pay." in again
    assert Booking.objects.get(pk=booking.pk).hold_expires_at == expires


def test_the_api_keeps_the_holds_expiry_through_declines(deposit_policy, emma, patient_api):
    body = patient_api.post(
        "/api/v1/checkout",
        {"service": "consult", "staff": "emma", "start": at(MONDAY, "10:00").isoformat()},
        format="json",
    ).json()
    booking = Booking.objects.get(pk=body["booking"])
    expires = _shorten(booking, 200)
    for _attempt in range(2):
        declined = patient_api.post(
            f"/api/v1/payments/{body['payment']['id']}/confirm",
            {"payment_method": "decline"},
            format="json",
        )
        assert declined.status_code == 402
        resumed = patient_api.post(f"/api/v1/bookings/{booking.pk}/checkout", {}, format="json")
        assert resumed.status_code == 200
        assert dateparse.parse_datetime(resumed.json()["hold_expires_at"]) == expires
    # Once the time held runs out, no further attempt brings it back.
    _shorten(booking, -1)
    late = patient_api.post(
        f"/api/v1/payments/{body['payment']['id']}/confirm",
        {"payment_method": "success"},
        format="json",
    )
    assert late.status_code == 409 and late.json()["code"] == "hold_expired"
    assert Booking.objects.get(pk=booking.pk).status == BookingStatus.PENDING_PAYMENT
