"""Issue 19, "money that adds up": a late cancellation's quote says exactly what is kept
of what the patient paid, what is refunded and what is still to pay — on the portal's
cancel page, in the API's quote and in the cancellation email alike."""

import datetime

import pytest
from django.test import Client
from django.utils import timezone
from rest_framework.test import APIClient

from booking_api.models import Booking
from booking_api.services import booking_cancel
from booking_api.services.messages import client_cancelled_message
from branding import clinic_time
from branding.services import policy_update
from payments import services
from tests.fixtures.clinics import host_client

pytestmark = pytest.mark.django_db


def _move_to(booking, start):
    """The clock, moved: the booking now starts at ``start`` (what it blocks, and when it
    was made, move too)."""
    shift = start - booking.start
    Booking.objects.filter(pk=booking.pk).update(
        start=start,
        created_at=booking.created_at + shift,
        end=booking.end + shift,
        blocked_start=booking.blocked_start + shift,
        blocked_end=booking.blocked_end + shift,
    )
    return Booking.objects.get(pk=booking.pk)


def _paid_and_late(policy_clinic, held):
    """A booking (price £45.00) paid as the clinic asks, then five hours away: inside the
    24-hour window, where the clinic's late fee is 50% (£22.50)."""
    policy_update(clinic=policy_clinic, late_cancel_fee_kind="percent", late_cancel_fee_value=50)
    booking = held()
    services.payment_confirm(
        payment=services.checkout_start(booking=booking), payment_method="success"
    )
    booking.refresh_from_db()
    return _move_to(booking, timezone.now() + datetime.timedelta(hours=5))


def test_the_cancel_page_says_the_deposit_is_kept_not_the_whole_fee_paid(
    deposit_policy, held, patient
):
    booking = _paid_and_late(deposit_policy, held)  # £9.00 deposit paid
    web = Client(HTTP_HOST=deposit_policy.site.hostname)
    web.force_login(patient.user)
    html = web.get(f"/bookings/{booking.reference}/cancel/").content.decode()
    assert "Cancel and pay £22.50" not in html
    assert "A late cancellation fee of £22.50 applies." in html
    assert "£9.00 of what you paid is kept as the fee." in html
    assert "The remaining £13.50 is owed to the clinic." in html
    assert "Cancel with a £22.50 fee" in html
    # When free cancellation ended: the clinic's clock and locale, as emails show it.
    with clinic_time.override(deposit_policy):
        ended = clinic_time.format_datetime(booking.start - datetime.timedelta(hours=24), "weekday")
    assert f"Free cancellation ended on {ended}." in html
    assert "made inside the late-cancellation window" not in html


def test_a_booking_made_inside_the_window_says_so_not_when_free_cancellation_ended(
    deposit_policy, held, patient
):
    """Issue 19 trial: booked on the day for the same day, the cancel page said "Free
    cancellation ended on" a moment before the booking existed. It says the booking was
    made inside the late-cancellation window, as the confirm page did."""
    policy_update(clinic=deposit_policy, late_cancel_fee_kind="percent", late_cancel_fee_value=50)
    booking = held()
    services.payment_confirm(
        payment=services.checkout_start(booking=booking), payment_method="success"
    )
    booking.refresh_from_db()
    moved = _move_to(booking, timezone.now() + datetime.timedelta(hours=5))
    # Made an hour ago, for five hours from now: never outside the 24-hour window.
    Booking.objects.filter(pk=booking.pk).update(
        created_at=timezone.now() - datetime.timedelta(hours=1)
    )
    assert moved.start - timezone.now() < datetime.timedelta(hours=6)
    web = Client(HTTP_HOST=deposit_policy.site.hostname)
    web.force_login(patient.user)
    html = web.get(f"/bookings/{booking.reference}/cancel/").content.decode()
    assert "This booking was made inside the late-cancellation window." in html
    assert "Free cancellation ended on" not in html
    assert "A late cancellation fee of £22.50 applies." in html


def test_the_api_quote_gives_the_same_numbers(deposit_policy, held, patient):
    booking = _paid_and_late(deposit_policy, held)
    api = host_client(deposit_policy, APIClient)
    api.force_authenticate(patient.user)
    quote = api.get(f"/api/v1/bookings/{booking.pk}/cancel").json()
    assert {k: quote[k] for k in ("fee", "paid", "kept", "refund", "to_pay")} == {
        "fee": 2250,
        "paid": 900,
        "kept": 900,
        "refund": 0,
        "to_pay": 1350,
    }
    assert (quote["kept_display"], quote["to_pay_display"]) == ("£9.00", "£13.50")
    assert "£9.00 of what you paid is kept as the fee." in quote["message"]
    assert "The remaining £13.50 is owed to the clinic." in quote["message"]


def test_paid_in_full_the_page_says_half_is_kept_and_half_refunded(full_policy, held, patient):
    booking = _paid_and_late(full_policy, held)  # £45.00 paid
    web = Client(HTTP_HOST=full_policy.site.hostname)
    web.force_login(patient.user)
    html = web.get(f"/bookings/{booking.reference}/cancel/").content.decode()
    assert "£22.50 of what you paid is kept as the fee." in html
    assert "£22.50 is refunded to you." in html
    assert "Nothing more is charged." in html
    assert "Cancel and let the clinic keep £22.50" in html


def test_the_cancellation_email_says_what_is_kept_and_refunded(full_policy, held):
    booking = _paid_and_late(full_policy, held)
    booking = booking_cancel(booking=booking)
    body = client_cancelled_message(booking).body
    assert "A late cancellation fee of £22.50 applies." in body
    assert "£22.50 of what you paid is kept as the fee." in body
    assert "£22.50 is refunded to you." in body
    assert "Nothing more is charged." in body


def test_a_free_cancellation_email_says_what_is_refunded(deposit_policy, held):
    booking = _paid_and_late(deposit_policy, held)
    booking = _move_to(booking, timezone.now() + datetime.timedelta(days=3))
    booking = booking_cancel(booking=booking)
    body = client_cancelled_message(booking).body
    assert "£9.00 is refunded to you." in body
    assert "late cancellation fee" not in body


def test_a_free_cancellation_says_what_is_refunded_on_the_page_and_in_the_api(
    deposit_policy, held, patient
):
    """Found trying the demo: a free cancellation said only "You can cancel free of
    charge." — not that the deposit comes back, nor until when it is free."""
    booking = _paid_and_late(deposit_policy, held)
    booking = _move_to(booking, timezone.now() + datetime.timedelta(days=3))
    web = Client(HTTP_HOST=deposit_policy.site.hostname)
    web.force_login(patient.user)
    html = web.get(f"/bookings/{booking.reference}/cancel/").content.decode()
    assert "You can cancel free of charge." in html and "£9.00 is refunded to you." in html
    with clinic_time.override(deposit_policy):
        until = clinic_time.format_datetime(booking.start - datetime.timedelta(hours=24), "weekday")
    assert f"Free cancellation until {until}." in html
    api = host_client(deposit_policy, APIClient)
    api.force_authenticate(patient.user)
    quote = api.get(f"/api/v1/bookings/{booking.pk}/cancel").json()
    assert quote["message"] == "You can cancel free of charge. £9.00 is refunded to you."


def test_the_confirmation_email_says_what_was_paid_what_is_due_and_free_until(
    deposit_policy, held, patient
):
    """Issue 19 trial: the confirmation said nothing of money. It says what was paid (the
    deposit), what is due at the visit (the receipt's balance) and until when the booking
    can be cancelled free."""
    from booking_api.services.messages import client_confirmed_message

    booking = held()  # £45.00, 20% deposit
    services.payment_confirm(
        payment=services.checkout_start(booking=booking), payment_method="success"
    )
    booking.refresh_from_db()
    body = client_confirmed_message(booking).body
    assert "Paid: £9.00" in body
    assert "At your visit: £36.00" in body
    with clinic_time.override(deposit_policy):
        ends = booking.start - datetime.timedelta(hours=24)
        when = clinic_time.format_datetime(ends, "weekday")
    assert f"Free cancellation until {when}." in body
