"""Issue 19, "money that adds up": the portal's history shows what the patient paid for
each past appointment (payments less refunds), not its price, and stacks into cards on
a phone rather than a six-column table wider than the screen."""

import datetime
import re
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from django.contrib.staticfiles import finders
from django.test import Client
from django.utils import timezone

from payments import services
from tests.payments.test_cancel_quote_money import _move_to
from tests.payments.test_receipts import pay

pytestmark = pytest.mark.django_db


def _history_row(clinic, patient, booking):
    web = Client(HTTP_HOST=clinic.site.hostname)
    web.force_login(patient.user)
    soup = BeautifulSoup(web.get("/bookings/history/").content, "html.parser")
    rows = soup.select("table.history tbody tr")
    assert len(rows) == 1
    return soup, rows[0]


def _past(booking):
    booking.refresh_from_db()
    return _move_to(booking, timezone.now() - datetime.timedelta(days=2))


def test_history_shows_the_deposit_paid_not_the_price(deposit_policy, held, patient):
    booking = held()
    pay(booking)  # £9.00 deposit of a £45.00 visit
    soup, row = _history_row(deposit_policy, patient, _past(booking))
    assert "£45.00" not in row.get_text()  # was the price column
    cells = {td.get("data-label"): td.get_text(" ", strip=True) for td in row.select("td")}
    assert cells["Paid"] == "£9.00"
    assert "Price" not in [th.get_text(strip=True) for th in soup.select("table.history th")]


def test_history_takes_refunds_off_what_was_paid(full_policy, held, patient):
    booking = held()
    payment = pay(booking)
    services.refund_create(payment=payment, amount=1250)
    _soup, row = _history_row(full_policy, patient, _past(booking))
    assert row.select_one('td[data-label="Paid"]').get_text(strip=True) == "£32.50"


def test_history_stacks_on_a_phone(deposit_policy, held, patient):
    """Every cell is labelled, and the stylesheet turns the rows into cards below 40rem."""
    booking = held()
    pay(booking)
    _soup, row = _history_row(deposit_policy, patient, _past(booking))
    assert all(td.get("data-label") for td in row.select("td"))
    css = Path(finders.find("portal/portal.css")).read_text()
    phone = re.search(r"@media \(max-width: 40rem\) \{(.*?)\n\}", css, re.S)
    assert phone and ".history td::before" in phone.group(1)
    assert "content: attr(data-label)" in phone.group(1)
