"""The payments API beyond checkout: reward vouchers at checkout (through the discount
seam), card on file, saved cards, receipts (only the owner, never through another
clinic's domain) and "send me a copy"."""

import io

import pytest
from django.core import mail
from pypdf import PdfReader
from rest_framework.test import APIClient

from booking_api.models import Booking, BookingStatus
from branding.models import PaymentMode
from branding.services import policy_update
from payments import discounts
from payments.models import Payment, SavedCard
from tests.factories.clients import ClientAccountFactory
from tests.fixtures.booking import MONDAY, at
from tests.fixtures.clinics import host_client

pytestmark = pytest.mark.django_db


class TenOffProvider:
    """A provider as the loyalty app would write one: one voucher, £10 off, marked used
    when the payment succeeds (it keeps no reservations: loyalty's are tested there)."""

    def __init__(self):
        self.used = []

    def vouchers(self, *, booking):
        return [discounts.Voucher(ref="test:ten", label="£10 off")]

    def quote(self, *, booking, voucher_ref):
        if voucher_ref != "test:ten":
            return None
        return discounts.DiscountQuote(voucher_ref=voucher_ref, amount=1000, label="£10 off")

    def reserve(self, *, booking, voucher_ref, payment):
        return self.quote(booking=booking, voucher_ref=voucher_ref)

    def release(self, *, voucher_ref, payment):
        pass

    def on_payment_succeeded(self, *, voucher_ref, payment):
        self.used.append((voucher_ref, payment.pk))


@pytest.fixture
def provider():
    provider = discounts.register_discount_provider(TenOffProvider())
    yield provider
    discounts.unregister_discount_provider(provider)


def checkout(api, hhmm="10:00"):
    return api.post(
        "/api/v1/checkout",
        {"service": "consult", "staff": "emma", "start": at(MONDAY, hhmm).isoformat()},
        format="json",
    )


def pdf_text(data):
    return "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(data)).pages)


def test_a_voucher_lowers_what_is_due_and_is_used_only_when_paid(
    full_policy, emma, patient_api, provider, django_capture_on_commit_callbacks
):
    body = checkout(patient_api).json()
    assert body["vouchers"] == [{"ref": "test:ten", "label": "£10 off"}]
    bad = patient_api.post(
        f"/api/v1/bookings/{body['booking']}/checkout", {"voucher": "test:nope"}, format="json"
    )
    assert bad.status_code == 400 and bad.json()["field"] == "voucher"
    chosen = patient_api.post(
        f"/api/v1/bookings/{body['booking']}/checkout", {"voucher": "test:ten"}, format="json"
    )
    assert chosen.status_code == 200, chosen.json()
    quote = chosen.json()["quote"]
    assert (quote["price"], quote["discount"], quote["due_now"]) == (4500, 1000, 3500)
    assert chosen.json()["payment"]["id"] == body["payment"]["id"]  # the same payment
    # A decline does not use the voucher.
    patient_api.post(
        f"/api/v1/payments/{body['payment']['id']}/confirm",
        {"payment_method": "decline"},
        format="json",
    )
    assert provider.used == []
    payment = Payment.objects.get()
    # localstripe will not confirm an intent again after a failed charge (Stripe does),
    # so the successful payment is shown on a fresh booking.
    assert payment.amount == 3500 and payment.voucher_ref == "test:ten"
    body = checkout(patient_api, "11:00").json()
    patient_api.post(
        f"/api/v1/bookings/{body['booking']}/checkout", {"voucher": "test:ten"}, format="json"
    )
    with django_capture_on_commit_callbacks(execute=True):
        paid = patient_api.post(
            f"/api/v1/payments/{body['payment']['id']}/confirm",
            {"payment_method": "success"},
            format="json",
        )
    assert paid.json()["amount_captured"] == 3500
    assert provider.used == [("test:ten", body["payment"]["id"])]
    receipt = patient_api.get(f"/api/v1/payments/{body['payment']['id']}/receipt.pdf")
    text = pdf_text(receipt.content)
    assert "£10 off" in text and "£10.00" in text and "£35.00" in text


def test_receipts_only_for_their_owner_and_only_on_their_clinic(
    full_policy, emma, patient_api, clinic, other_clinic, django_capture_on_commit_callbacks
):
    body = checkout(patient_api).json()
    pid = body["payment"]["id"]
    unpaid = patient_api.get(f"/api/v1/payments/{pid}/receipt.pdf")
    assert unpaid.status_code == 404
    with django_capture_on_commit_callbacks(execute=True):
        patient_api.post(
            f"/api/v1/payments/{pid}/confirm", {"payment_method": "success"}, format="json"
        )
    mine = patient_api.get(f"/api/v1/payments/{pid}/receipt.pdf")
    assert mine.status_code == 200 and mine["Content-Type"] == "application/pdf"
    assert "£45.00" in pdf_text(mine.content)

    stranger = host_client(clinic, APIClient)
    stranger.force_authenticate(ClientAccountFactory(clinic=clinic).user)
    assert stranger.get(f"/api/v1/payments/{pid}/receipt.pdf").status_code == 404
    assert stranger.post(f"/api/v1/payments/{pid}/receipt/send").status_code == 404
    # The same person through another clinic's domain does not reach it either.
    elsewhere = host_client(other_clinic, APIClient)
    elsewhere.force_authenticate(Booking.objects.get().client.user)
    assert elsewhere.get(f"/api/v1/payments/{pid}/receipt.pdf").status_code == 404

    before = len(mail.outbox)
    with django_capture_on_commit_callbacks(execute=True):
        sent = patient_api.post(f"/api/v1/payments/{pid}/receipt/send")
    assert sent.status_code == 200 and sent.json()["sent"] is True
    assert len(mail.outbox) == before + 1 and mail.outbox[-1].attachments


def test_card_on_file_through_the_api(clinic, open_policy, emma, patient_api, patient):
    policy_update(clinic=clinic, payment_mode=PaymentMode.CARD_ON_FILE)
    booked = patient_api.post(
        "/api/v1/bookings",
        {"service": "consult", "staff": "emma", "start": at(MONDAY, "10:00").isoformat()},
        format="json",
    )
    assert booked.status_code == 201, booked.json()
    booking_id = booked.json()["id"]
    assert Booking.objects.get(pk=booking_id).status == BookingStatus.BOOKED
    setup = patient_api.post(f"/api/v1/bookings/{booking_id}/card-setup")
    assert setup.status_code == 200 and setup.json()["client_secret"].startswith("seti_")
    declined = patient_api.post(
        f"/api/v1/bookings/{booking_id}/card-setup/confirm",
        {"payment_method": "decline_generic"},
        format="json",
    )
    assert declined.status_code == 402 and declined.json()["field"] == "payment_method"
    saved = patient_api.post(
        f"/api/v1/bookings/{booking_id}/card-setup/confirm",
        {"payment_method": "success"},
        format="json",
    )
    assert saved.status_code == 200, saved.json()
    assert saved.json()["status"] == "succeeded" and saved.json()["card"]["last4"] == "4242"

    listed = patient_api.get("/api/v1/cards").json()["results"]
    assert [c["last4"] for c in listed] == ["4242"]
    card_id = listed[0]["id"]
    stranger = host_client(clinic, APIClient)
    stranger.force_authenticate(ClientAccountFactory(clinic=clinic).user)
    assert stranger.get("/api/v1/cards").json()["results"] == []
    assert stranger.delete(f"/api/v1/cards/{card_id}").status_code == 404
    assert patient_api.delete(f"/api/v1/cards/{card_id}").status_code == 204
    assert not SavedCard.objects.exists()
