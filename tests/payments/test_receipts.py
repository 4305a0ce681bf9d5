"""PDF receipts: made with WeasyPrint, read back with pypdf, amounts checked; emailed on
payment with the PDF attached; each person only gets their own."""

import io

import pytest
from django.core import mail
from pypdf import PdfReader

from payments import receipts, services

pytestmark = pytest.mark.django_db(transaction=False)


def pdf_text(data: bytes) -> str:
    assert data.startswith(b"%PDF")
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


def receipts_sent():
    return [m for m in mail.outbox if any(a[0].endswith(".pdf") for a in m.attachments)]


def pay(booking, card="success"):
    payment = services.checkout_start(booking=booking)
    return services.payment_confirm(payment=payment, payment_method=card)


def test_deposit_receipt_shows_price_deposit_and_balance(deposit_policy, held, clinic):
    booking = held()
    payment = pay(booking)
    text = pdf_text(receipts.payment_receipt_pdf(payment))
    assert "Glow Aesthetics" in text and "Payment receipt" in text
    assert "GLOW-P1" in text and payment.receipt_number == "GLOW-P1"
    assert "Consultation" in text and "Emma" in text
    assert "£45.00" in text  # price
    assert "£9.00" in text  # deposit paid, paid now
    assert "£36.00" in text  # balance to pay
    assert booking.client.user.email in text


def test_refund_receipt_shows_the_refund(full_policy, held):
    payment = pay(held())
    refund = services.refund_create(payment=payment, amount=1250)
    text = pdf_text(receipts.refund_receipt_pdf(refund))
    assert "Refund receipt" in text and "£12.50" in text and "£45.00" in text


def test_receipt_is_emailed_with_the_pdf_when_payment_succeeds(
    full_policy, held, django_capture_on_commit_callbacks
):
    booking = held()
    with django_capture_on_commit_callbacks(execute=True):
        payment = pay(booking)
    sent = receipts_sent()
    assert len(sent) == 1 and sent[0].to == [booking.client.user.email]
    name, content, mimetype = sent[0].attachments[0]
    assert name == "receipt-glow-p1.pdf" and mimetype == "application/pdf"
    assert "£45.00" in pdf_text(content)
    # Sending again under the same key sends nothing; a copy asked for is sent.
    with django_capture_on_commit_callbacks(execute=True):
        receipts.receipt_email(payment=payment)
    assert len(receipts_sent()) == 1
    with django_capture_on_commit_callbacks(execute=True):
        receipts.receipt_email(payment=payment, copy=True)
    assert len(receipts_sent()) == 2


def test_amounts_follow_the_clinic_locale(deposit_policy, held, clinic):
    clinic.language = "bg"
    clinic.currency = "BGN"
    clinic.save()
    booking = held()
    payment = pay(booking)
    text = pdf_text(receipts.payment_receipt_pdf(payment))
    assert "45,00" in text and "лв" in text


def test_a_receipt_shows_what_was_issued_after_the_booking_moves_and_is_refunded(
    full_policy, held, django_capture_on_commit_callbacks
):
    """Found trying the demo: the receipt PDF was made from the booking as it is now, so
    after a move it showed the new time and after a refund other totals. A receipt shows
    what was issued; the refund has its own receipt."""
    from booking_api.services import booking_reschedule
    from tests.fixtures.booking import MONDAY, at

    booking = held()
    with django_capture_on_commit_callbacks(execute=True):
        payment = pay(booking)
    issued = pdf_text(receipts.payment_receipt_pdf(payment))
    assert "£45.00" in issued and "Refunded in total" not in issued

    booking.refresh_from_db()
    booking_reschedule(booking=booking, start=at(MONDAY, "14:00"), by_client=False)
    with django_capture_on_commit_callbacks(execute=True):
        refund = services.refund_create(payment=payment, amount=4500)
    again = pdf_text(receipts.payment_receipt_pdf(payment))
    assert again == issued  # the same lines, amounts and appointment time
    refund_text = pdf_text(receipts.refund_receipt_pdf(refund))
    assert "Refund receipt" in refund_text and "Refunded in total" in refund_text
    assert "Balance to pay" not in refund_text
