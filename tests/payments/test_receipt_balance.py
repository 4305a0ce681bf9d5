"""Issue 19, "money that adds up": a refund receipt for a booking refunded in full shows
no balance to pay (it used to ask for the whole price again: "Balance to pay £45.00")."""

import pytest

from payments import receipts, services
from tests.payments.test_receipts import pay, pdf_text

pytestmark = pytest.mark.django_db


def test_a_full_refund_receipt_shows_no_balance_to_pay(full_policy, held):
    payment = pay(held())
    refund = services.refund_create(payment=payment, amount=4500)
    text = pdf_text(receipts.refund_receipt_pdf(refund))
    assert "Refunded now £45.00" in text and "Refunded in total £45.00" in text
    assert "Balance to pay" not in text


def test_a_partial_refund_receipt_still_shows_what_is_left_to_pay(full_policy, held):
    payment = pay(held())
    refund = services.refund_create(payment=payment, amount=1250)
    text = pdf_text(receipts.refund_receipt_pdf(refund))
    assert "Balance to pay £12.50" in text


def test_a_deposit_receipt_still_shows_the_balance(deposit_policy, held):
    text = pdf_text(receipts.payment_receipt_pdf(pay(held())))
    assert "Balance to pay £36.00" in text


def _receipt_links(data: bytes) -> list[str]:
    import io

    from pypdf import PdfReader

    found = []
    for page in PdfReader(io.BytesIO(data)).pages:
        for annot in page.get("/Annots") or []:
            action = annot.get_object().get("/A") or {}
            if action.get("/URI"):
                found.append(str(action["/URI"]))
    return found


def test_a_deposit_receipt_after_cancellation_says_so_and_asks_for_no_balance(
    deposit_policy, held, django_capture_on_commit_callbacks
):
    """The deposit's receipt was issued with "Balance to pay £36.00"; the booking was then
    cancelled in good time and the deposit refunded. The receipt keeps its figures, says
    what happened since (with the refund's receipt, linked) and asks for no balance."""
    from booking_api.models import Booking
    from booking_api.services import booking_cancel
    from branding import clinic_time
    from payments.models import Refund

    booking = held()
    with django_capture_on_commit_callbacks(execute=True):
        payment = pay(booking)
    issued = pdf_text(receipts.payment_receipt_pdf(payment))
    assert "Balance to pay £36.00" in issued and "cancelled" not in issued

    with django_capture_on_commit_callbacks(execute=True):
        booking_cancel(booking=Booking.objects.get(pk=booking.pk))
    refund = Refund.objects.get(payment=payment)
    cancelled_at = booking.events.get(kind="status", to_status="cancelled").at
    with clinic_time.override(booking.clinic):
        day = clinic_time.format_date(cancelled_at)

    data = receipts.payment_receipt_pdf(payment)
    text = pdf_text(data)
    assert "Balance to pay" not in text
    assert "Paid now £9.00" in text and "GLOW-P1" in text  # as issued
    assert f"This booking was cancelled on {day}; refund £9.00 on receipt GLOW-R1" in " ".join(
        text.split()
    )
    link = f"/receipts/refund/{refund.pk}.pdf"
    assert any(
        url.endswith(link) and booking.clinic.site.hostname in url for url in _receipt_links(data)
    )


def test_the_portal_booking_page_says_the_payment_was_refunded_on_cancellation(
    deposit_policy, held, signed_in, django_capture_on_commit_callbacks
):
    from booking_api.models import Booking
    from booking_api.services import booking_cancel
    from payments.models import Refund

    booking = held()
    with django_capture_on_commit_callbacks(execute=True):
        payment = pay(booking)
        booking_cancel(booking=Booking.objects.get(pk=booking.pk))
    refund = Refund.objects.get(payment=payment)
    html = signed_in.get(f"/bookings/{booking.reference}/").content.decode()
    assert "This booking was cancelled on" in html
    assert f'href="/receipts/refund/{refund.pk}.pdf"' in html
    assert "GLOW-R1" in html


def test_the_cancellation_line_speaks_bulgarian(
    deposit_policy, held, clinic, django_capture_on_commit_callbacks
):
    from booking_api.models import Booking
    from booking_api.services import booking_cancel

    clinic.language = "bg"
    clinic.save()
    booking = held()
    with django_capture_on_commit_callbacks(execute=True):
        payment = pay(booking)
        booking_cancel(booking=Booking.objects.get(pk=booking.pk))
    text = " ".join(pdf_text(receipts.payment_receipt_pdf(payment)).split())
    assert "Този час беше отменен на" in text and "с разписка GLOW-R1" in text
    assert "Остава за плащане" not in text


def test_a_bulgarian_date_at_the_end_of_the_line_keeps_one_stop(
    deposit_policy, held, clinic, django_capture_on_commit_callbacks
):
    """Patient trial: before the refund was issued the line read "… на 3.12.2026 г.." (the
    Bulgarian date ends in a stop of its own)."""
    from booking_api.models import Booking
    from booking_api.services import booking_cancel

    clinic.language = "bg"
    clinic.save()
    booking = held()
    with django_capture_on_commit_callbacks(execute=True):
        payment = pay(booking)
    booking_cancel(booking=Booking.objects.get(pk=booking.pk))  # its refund not issued yet
    text = " ".join(pdf_text(receipts.payment_receipt_pdf(payment)).split())
    assert "Този час беше отменен на" in text
    assert " г.." not in text and "г. " in text + " "
