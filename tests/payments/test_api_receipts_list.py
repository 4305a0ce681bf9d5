"""GET /api/v1/payments: an app lists the person's receipts (payments that went
through, their refunds), each with the link to its PDF, as the portal's history does."""

import pytest

from payments import services
from people.models import ClientAccount
from tests.fixtures.honesty import nothing_changes

pytestmark = pytest.mark.django_db


def pay(booking, card="success"):
    payment = services.checkout_start(booking=booking)
    return services.payment_confirm(payment=payment, payment_method=card)


def test_receipts_list_payments_and_refunds_with_their_pdfs(full_policy, held, patient_api):
    paid = pay(held("10:00"))
    refund = services.refund_create(payment=paid, amount=1250)
    services.checkout_start(booking=held("11:00"))  # started, not paid: no receipt

    response = patient_api.get("/api/v1/payments")
    assert response.status_code == 200
    [receipt] = response.json()["results"]
    assert receipt["id"] == paid.pk
    assert receipt["amount_captured_display"] == "£45.00"
    assert receipt["receipt_url"].endswith(f"/api/v1/payments/{paid.pk}/receipt.pdf")
    assert [(r["id"], r["amount_display"]) for r in receipt["refunds"]] == [(refund.pk, "£12.50")]
    pdf = patient_api.get(receipt["refunds"][0]["receipt_url"])
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")


def test_nobody_else_sees_my_receipts(full_policy, held, clinic, verified_patient):
    pay(held())
    from rest_framework.test import APIClient

    from tests.fixtures.clinics import host_client

    other = host_client(clinic, APIClient)
    other.force_authenticate(verified_patient.user)
    assert other.get("/api/v1/payments").json()["results"] == []


def test_reading_receipts_elsewhere_makes_no_account(other_clinic, patient):
    from rest_framework.test import APIClient

    from tests.fixtures.clinics import host_client

    riverside = host_client(other_clinic, APIClient)
    riverside.force_authenticate(patient.user)
    with nothing_changes(ClientAccount.objects.all()):
        response = riverside.get("/api/v1/payments")
    assert response.status_code == 403
    assert response.json()["code"] == "not_a_client_here"
