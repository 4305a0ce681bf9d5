"""One paid booking, its amount read through every door: the portal page, the PDF
receipt, the receipt email and the API's ``*_display`` fields all show the same string
(``branding.money.format_money`` in the clinic's language). The portal once showed
"45,00 BGN" where the receipt showed "45,00 лв."."""

import io

import pytest
from django.core import mail
from django.utils import translation
from pypdf import PdfReader
from rest_framework.test import APIClient

from booking_api.models import Booking
from branding.money import format_money
from tests.fixtures.booking import MONDAY, at
from tests.fixtures.clinics import host_client

pytestmark = pytest.mark.django_db


def pdf_text(data: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


@pytest.mark.parametrize(
    "language,currency,expected",
    [
        ("bg", "BGN", "45,00\u00a0лв."),
        ("en", "BGN", "BGN\u00a045.00"),
        ("en", "GBP", "£45.00"),
        ("bg", "EUR", "45,00\u00a0€"),
        ("en", "JPY", "¥4,500"),  # the service's 4500 minor units are 4500 yen
    ],
)
def test_a_paid_booking_reads_the_same_everywhere(
    full_policy,
    emma,
    clinic,
    patient,
    django_capture_on_commit_callbacks,
    language,
    currency,
    expected,
):
    clinic.language, clinic.currency = language, currency
    clinic.save()
    api = host_client(clinic, APIClient)
    api.force_authenticate(patient.user)
    start = at(MONDAY, "10:00").isoformat()
    body = api.post(
        "/api/v1/checkout", {"service": "consult", "staff": "emma", "start": start}, format="json"
    ).json()
    with django_capture_on_commit_callbacks(execute=True):
        paid = api.post(
            f"/api/v1/payments/{body['payment']['id']}/confirm",
            {"payment_method": "success"},
            format="json",
        ).json()
    with translation.override(language):
        assert format_money(4500, currency) == expected

    # The API, in the clinic's language (no cookie, no Accept-Language).
    assert paid["amount_captured_display"] == expected
    booking = api.get(f"/api/v1/bookings/{body['booking']}").json()
    assert (booking["price"], booking["price_display"]) == (4500, expected)

    # The portal's booking page.
    portal = host_client(clinic)
    portal.force_login(patient.user)
    reference = Booking.objects.get(pk=body["booking"]).reference
    html = portal.get(f"/bookings/{reference}/").content.decode()
    assert f"<dd>{expected}</dd>" in html

    # The receipt email's body, and the PDF attached to it.
    (email,) = [m for m in mail.outbox if m.attachments and m.attachments[0][0].endswith(".pdf")]
    assert expected in email.body
    pdf = pdf_text(email.attachments[0][1])
    assert expected in pdf
