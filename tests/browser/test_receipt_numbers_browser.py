"""The patient's history on a 390 px phone shows each receipt with the clinic's own
number, and the PDF it downloads is named and printed with that number."""

import datetime
import io

import pytest
from django.utils import timezone
from playwright.sync_api import expect
from pypdf import PdfReader

from booking_api.models import BookingStatus
from payments.models import Payment
from tests.browser.test_money_browser import sign_in
from tests.factories.booking import ServiceFactory, StaffFactory
from tests.factories.clients import ClientAccountFactory, UserFactory
from tests.fixtures.booking import add_booking
from tests.fixtures.browser import clinic_url
from tests.fixtures.payments import paid

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def test_history_shows_the_receipt_number_and_the_pdf_carries_it(
    live_server, clinic, phone, shot, axe
):
    service = ServiceFactory(clinic=clinic, name="Signature facial with extraction", price=8500)
    staff = StaffFactory(clinic=clinic, display_name="Zara Okafor", services=[service])
    user = UserFactory(email="ada@example.com", first_name="Ada")
    patient = ClientAccountFactory(clinic=clinic, user=user)
    hour = timezone.now().replace(minute=0, second=0, microsecond=0)
    past = add_booking(
        clinic, patient, service, staff, hour - datetime.timedelta(days=9), BookingStatus.COMPLETED
    )
    payment = paid(past, 1700)
    Payment.objects.filter(pk=payment.pk).update(receipt_number="GLOW-P1042")

    sign_in(phone, live_server, clinic, user)
    phone.goto(clinic_url(live_server, clinic, "/bookings/history/"))
    link = phone.locator('td[data-label="Receipts"] a[data-receipt-number]').first
    expect(link).to_have_text("GLOW-P1042: Deposit £17.00 (PDF)")
    wide = phone.evaluate("document.documentElement.scrollWidth")
    assert wide <= 390, f"the history is {wide}px wide on a 390px screen"
    shot(phone, "history-receipt-number-phone")
    axe(phone)

    with phone.expect_download() as download:
        link.click()
    assert download.value.suggested_filename == "receipt-glow-p1042.pdf"
    with open(download.value.path(), "rb") as f:
        text = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(f.read())).pages)
    assert "GLOW-P1042" in text
