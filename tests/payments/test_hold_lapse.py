"""Issue 19, payments that recover: a hold that lapses tells the patient by email (the
clinic's time zone and language) and shows as "Expired — not booked", never as
"Cancelled"; an unpaid hold shows as "Awaiting payment" with a Pay button, never like a
booked visit."""

import datetime

import pytest
from django.core import mail
from django.utils import timezone

from booking_api.models import BookingStatus
from notifications.models import Notification
from payments import services

pytestmark = pytest.mark.django_db


def lapse(booking, django_capture_on_commit_callbacks):
    services.checkout_start(booking=booking)
    later = timezone.now() + datetime.timedelta(minutes=11)
    with django_capture_on_commit_callbacks(execute=True):
        assert services.holds_expire(now=later) == {booking.pk: "released"}
    booking.refresh_from_db()
    assert booking.status == BookingStatus.CANCELLED


def test_a_lapsed_hold_emails_the_patient_in_the_clinics_time(
    deposit_policy, held, patient, django_capture_on_commit_callbacks
):
    booking = held()
    mail.outbox.clear()
    lapse(booking, django_capture_on_commit_callbacks)
    note = Notification.objects.get(user=patient.user, kind="booking_hold_expired")
    assert note.idempotency_key == f"booking-{booking.pk}-hold-expired"
    assert note.title.startswith("Not booked:") and "10:00" in note.title  # London time
    [email] = [m for m in mail.outbox if m.to == [patient.user.email]]
    assert email.subject == note.title
    assert "not booked" in email.body and "10:00" in email.body
    assert "/book/" in email.body or "http" in email.body  # a way to book again
    assert "Cancelled" not in email.subject and "cancelled" not in email.body
    # Never the cancellation email; run again (a retried task): nothing twice.
    assert not Notification.objects.filter(kind="booking_cancelled").exists()
    with django_capture_on_commit_callbacks(execute=True):
        services.holds_expire(now=timezone.now() + datetime.timedelta(minutes=12))
    assert Notification.objects.filter(kind="booking_hold_expired").count() == 1


def test_the_lapsed_hold_email_speaks_bulgarian(
    deposit_policy, held, clinic, patient, django_capture_on_commit_callbacks
):
    clinic.language = "bg"
    clinic.save(update_fields=["language"])
    booking = held()
    lapse(booking, django_capture_on_commit_callbacks)
    note = Notification.objects.get(user=patient.user, kind="booking_hold_expired")
    assert note.title.startswith("Незапазен час:"), note.title
    assert "не е запазен" in note.body, note.body


def test_a_lapsed_hold_shows_as_expired_not_booked(
    deposit_policy, held, signed_in, django_capture_on_commit_callbacks
):
    booking = held()
    lapse(booking, django_capture_on_commit_callbacks)
    history = signed_in.get("/bookings/history/").content.decode()
    assert "Expired — not booked" in history and "Cancelled" not in history
    detail = signed_in.get(f"/bookings/{booking.reference}/").content.decode()
    assert "Expired — not booked" in detail and "Cancelled" not in detail


def test_an_unpaid_hold_shows_awaiting_payment_with_a_pay_button(deposit_policy, held, signed_in):
    booking = held()
    page = signed_in.get("/bookings/").content.decode()
    assert "Awaiting payment" in page
    assert f'href="/book/pay/{booking.reference}/"' in page
    # Not like a booked visit: no calendar file, no reschedule for a time not yet booked.
    assert f"/bookings/{booking.reference}/calendar.ics" not in page
    assert f"/bookings/{booking.reference}/reschedule" not in page
    detail = signed_in.get(f"/bookings/{booking.reference}/").content.decode()
    assert "Awaiting payment" in detail and f'href="/book/pay/{booking.reference}/"' in detail
    assert "Add to calendar" not in detail and "Reschedule" not in detail


def test_the_api_says_a_lapsed_hold_expired(
    deposit_policy, held, patient_api, django_capture_on_commit_callbacks
):
    booking = held()
    lapse(booking, django_capture_on_commit_callbacks)
    [row] = patient_api.get("/api/v1/bookings").json()["results"]
    assert (row["status"], row["hold_expired"]) == ("cancelled", True)
    assert row["status_display"] == "Expired — not booked"
    one = patient_api.get(f"/api/v1/bookings/{booking.pk}").json()
    assert one["hold_expired"] is True and one["status_display"] == "Expired — not booked"
