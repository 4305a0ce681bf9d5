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
