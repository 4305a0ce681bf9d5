"""The portal's payment pages against localstripe: the wizard's checkout step (price,
deposit, due now, test cards, a decline in plain words that keeps the hold), saving a
card on file, saved cards, and receipts in the booking history (only one's own)."""

import datetime

import pytest
from django.core import mail
from django.db.models import F

from booking_api.models import Booking, BookingStatus
from booking_api.services import booking_transition
from branding.models import PaymentMode
from branding.services import policy_update
from payments.models import Payment, SavedCard
from tests.factories.clients import ClientAccountFactory
from tests.fixtures.booking import MONDAY, at
from tests.fixtures.clinics import host_client

pytestmark = pytest.mark.django_db


def book(portal, service, hhmm="10:00"):
    start = at(MONDAY, hhmm)
    response = portal.post(
        "/book/confirm/",
        {"service": service.pk, "staff": "any", "t": int(start.timestamp()), "notes": ""},
    )
    assert response.status_code == 302, response.content.decode()[-3000:]
    return response


def test_the_wizard_ends_at_checkout_and_a_decline_keeps_the_hold(
    deposit_policy, service, emma, signed_in, django_capture_on_commit_callbacks
):
    response = book(signed_in, service)
    booking = Booking.objects.get()
    assert booking.status == BookingStatus.PENDING_PAYMENT
    assert response["Location"] == f"/book/pay/{booking.reference}/"

    page = signed_in.get(response["Location"])
    html = page.content.decode()
    assert page.status_code == 200
    assert "£45.00" in html and "£9.00" in html and "£36.00" in html  # price, due now, later
    assert "10 minutes" in html  # the hold
    assert "4242 4242 4242 4242" in html and "4000 0000 0000 0341" in html
    assert "js.stripe.com" not in html  # test cards only, against the local server

    declined = signed_in.post(page.request["PATH_INFO"], {"card": "decline"})
    assert declined.status_code == 402
    html = declined.content.decode()
    assert "Your card was declined." in html and "more minutes" in html
    booking.refresh_from_db()
    assert booking.status == BookingStatus.PENDING_PAYMENT


def test_paying_with_the_test_card_confirms_and_emails_the_receipt(
    full_policy, service, emma, signed_in, django_capture_on_commit_callbacks
):
    book(signed_in, service)
    booking = Booking.objects.get()
    with django_capture_on_commit_callbacks(execute=True):
        paid = signed_in.post(f"/book/pay/{booking.reference}/", {"card": "success"})
    assert paid.status_code == 302 and paid["Location"] == f"/book/done/{booking.reference}/"
    booking.refresh_from_db()
    assert booking.status == BookingStatus.BOOKED
    assert any(a[0].endswith(".pdf") for m in mail.outbox for a in m.attachments)
    # Checkout again now: nothing to pay, straight to the confirmation.
    again = signed_in.get(f"/book/pay/{booking.reference}/")
    assert again["Location"] == f"/book/done/{booking.reference}/"


def test_someone_elses_checkout_is_not_found(deposit_policy, service, emma, signed_in, clinic):
    book(signed_in, service)
    booking = Booking.objects.get()
    stranger = host_client(clinic)
    stranger.force_login(ClientAccountFactory(clinic=clinic).user)
    assert stranger.get(f"/book/pay/{booking.reference}/").status_code == 404
    assert stranger.post(f"/book/pay/{booking.reference}/", {"card": "success"}).status_code == 404
    assert not Payment.objects.filter(status="succeeded").exists()


def test_card_on_file_saved_in_the_wizard_then_listed_and_removed(
    clinic, open_policy, service, emma, signed_in, patient
):
    policy_update(clinic=clinic, payment_mode=PaymentMode.CARD_ON_FILE)
    response = book(signed_in, service)
    booking = Booking.objects.get()
    assert booking.status == BookingStatus.BOOKED
    assert response["Location"] == f"/book/pay/{booking.reference}/"
    page = signed_in.get(response["Location"])
    assert "Nothing is charged now" in page.content.decode()
    saved = signed_in.post(response["Location"], {"card": "success"})
    assert saved["Location"] == f"/book/done/{booking.reference}/"

    cards_page = signed_in.get("/account/cards/")
    assert "•••• 4242" in cards_page.content.decode()
    card = SavedCard.objects.get(client=patient)
    stranger = host_client(clinic)
    stranger.force_login(ClientAccountFactory(clinic=clinic).user)
    assert "4242" not in stranger.get("/account/cards/").content.decode()
    assert stranger.post(f"/account/cards/{card.pk}/remove/").status_code == 404
    removed = signed_in.post(f"/account/cards/{card.pk}/remove/")
    assert removed.status_code == 302 and not SavedCard.objects.exists()


def test_history_links_receipts_only_for_their_owner(
    full_policy, service, emma, signed_in, clinic, django_capture_on_commit_callbacks
):
    book(signed_in, service)
    booking = Booking.objects.get()
    with django_capture_on_commit_callbacks(execute=True):
        signed_in.post(f"/book/pay/{booking.reference}/", {"card": "success"})
    booking_transition(booking=booking, to_status=BookingStatus.STARTED)
    booking_transition(booking=booking, to_status=BookingStatus.COMPLETED)
    back = datetime.timedelta(days=800)  # into the past, for the history page
    Booking.objects.filter(pk=booking.pk).update(
        start=F("start") - back,
        end=F("end") - back,
        blocked_start=F("blocked_start") - back,
        blocked_end=F("blocked_end") - back,
    )
    payment = Payment.objects.get()
    history = signed_in.get("/bookings/history/").content.decode()
    assert f"/receipts/payment/{payment.pk}.pdf" in history
    pdf = signed_in.get(f"/receipts/payment/{payment.pk}.pdf")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    stranger = host_client(clinic)
    stranger.force_login(ClientAccountFactory(clinic=clinic).user)
    assert stranger.get(f"/receipts/payment/{payment.pk}.pdf").status_code == 404
    before = len(mail.outbox)
    with django_capture_on_commit_callbacks(execute=True):
        sent = signed_in.post(f"/receipts/payment/{payment.pk}/send/")
    assert sent.status_code == 302 and len(mail.outbox) == before + 1
    assert "We have emailed a copy" in signed_in.get(sent.url).content.decode()
    # Asked again within the minute: nothing is sent, and the page does not claim it was.
    with django_capture_on_commit_callbacks(execute=True):
        again = signed_in.post(f"/receipts/payment/{payment.pk}/send/", follow=True)
    page = again.content.decode()
    assert len(mail.outbox) == before + 1
    assert "less than a minute ago" in page and "We have emailed a copy" not in page


def test_an_upcoming_booking_shows_its_deposit_receipt(
    deposit_policy, service, emma, signed_in, django_capture_on_commit_callbacks
):
    book(signed_in, service)
    booking = Booking.objects.get()
    detail = signed_in.get(f"/bookings/{booking.reference}/").content.decode()
    assert f"/book/pay/{booking.reference}/" in detail  # still to pay
    signed_in.post(f"/book/pay/{booking.reference}/", {"card": "success"})
    payment = Payment.objects.get()
    detail = signed_in.get(f"/bookings/{booking.reference}/").content.decode()
    assert f"/receipts/payment/{payment.pk}.pdf" in detail
