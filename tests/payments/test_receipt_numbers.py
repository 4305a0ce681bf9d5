"""Receipt numbers are each clinic's own: its payments, refunds and shop sales are
numbered 1, 2, 3… in their series (``GLOW-P1``, ``GLOW-R1``, ``GLOW-S1``) when they
succeed, with no gap for a declined card, whatever other clinics issue; the number is
stored once and is the one the PDF, the email, the portal, the staff Balance tab and the
API show. Existing receipts keep the number they were issued with (the data migrations,
run here with their historical models)."""

import datetime
import importlib
import io

import pytest
from bs4 import BeautifulSoup
from django.db import connection
from django.db.migrations.loader import MigrationLoader
from django.utils import timezone
from pypdf import PdfReader

from commerce.models import Purchase
from commerce.packages.services import package_buy_start, package_sell
from commerce.privacy_parts import export_purchases
from commerce.purchases import purchase_confirm
from commerce.receipts import purchase_receipt_pdf
from payments import receipts, services
from payments.errors import CardDeclinedError
from payments.models import Payment, ReceiptCounter, ReceiptSeries, Refund
from payments.privacy_parts import export_payments
from payments.services.receipt_numbers import receipt_number_take
from payments.services.refunds import refund_record, refund_send
from tests.factories.clients import ClientAccountFactory
from tests.factories.commerce import PackagePlanFactory
from tests.fixtures.clinics import admin_client_for
from tests.payments.test_history_paid import _past

pytestmark = pytest.mark.django_db


def pdf_text(data: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


def pay(booking, card="success"):
    payment = services.checkout_start(booking=booking)
    return services.payment_confirm(payment=payment, payment_method=card)


@pytest.mark.usefixtures("stripe_at_localstripe")
def test_a_clinics_payments_refunds_and_sales_run_one_by_one_without_gaps(
    full_policy,
    held,
    clinic,
    plan,
    patient,
    manager,
    mailoutbox,
    django_capture_on_commit_callbacks,
):
    with django_capture_on_commit_callbacks(execute=True):
        first = pay(held("10:00"))
        declined = services.checkout_start(booking=held("11:00"))
        with pytest.raises(CardDeclinedError):
            services.payment_confirm(payment=declined, payment_method="pm_card_chargeCustomerFail")
        second = pay(held("12:00"))
        refund_one = services.refund_create(payment=first, amount=1000)
        refund_two = services.refund_create(payment=second, amount=500)
        sold = package_sell(
            method="cash", clinic=clinic, client=patient, plan_id=plan.pk, actor=manager
        ).purchase
        online = purchase_confirm(
            purchase=package_buy_start(clinic=clinic, client=patient, plan_id=plan.pk),
            payment_method="success",
        )

    # Stored on the rows as they succeeded; the declined card took no number.
    assert [p.receipt_number for p in Payment.objects.order_by("pk")] == [
        "GLOW-P1",
        "",
        "GLOW-P2",
    ]
    assert [r.receipt_number for r in Refund.objects.order_by("pk")] == ["GLOW-R1", "GLOW-R2"]
    assert [p.receipt_number for p in Purchase.objects.order_by("pk")] == ["GLOW-S1", "GLOW-S2"]
    assert (sold.receipt_number, online.receipt_number) == ("GLOW-S1", "GLOW-S2")

    # The PDFs and the emails carry them.
    assert "GLOW-P2" in pdf_text(receipts.payment_receipt_pdf(second))
    assert "GLOW-R2" in pdf_text(receipts.refund_receipt_pdf(refund_two))
    assert "GLOW-S2" in pdf_text(purchase_receipt_pdf(online))
    sent = {
        m.attachments[0][0]: m.subject
        for m in mailoutbox
        if m.attachments and m.attachments[0][0].endswith(".pdf")
    }
    assert set(sent) == {
        "receipt-glow-p1.pdf",
        "receipt-glow-p2.pdf",
        "receipt-glow-r1.pdf",
        "receipt-glow-r2.pdf",
        "receipt-glow-s1.pdf",
        "receipt-glow-s2.pdf",
    }
    assert sent["receipt-glow-r1.pdf"].endswith("GLOW-R1") and refund_one.amount == 1000
    assert sent["receipt-glow-s2.pdf"].endswith("GLOW-S2")


@pytest.mark.usefixtures("stripe_at_localstripe")
def test_another_clinic_numbers_from_one_whatever_the_first_issued(
    full_policy, held, clinic, other_clinic, plan, patient, manager, other_manager
):
    pay(held("10:00"))
    package_sell(method="cash", clinic=clinic, client=patient, plan_id=plan.pk, actor=manager)
    for _ in range(49):
        receipt_number_take(clinic=clinic, series=ReceiptSeries.PURCHASE)

    from branding.services import features_update

    features_update(clinic=other_clinic, packages=True)
    other_plan = PackagePlanFactory(
        clinic=other_clinic, name="Checks", sessions=2, price=5000, validity_days=365
    )
    sold = package_sell(
        method="cash",
        clinic=other_clinic,
        client=ClientAccountFactory(clinic=other_clinic),
        plan_id=other_plan.pk,
        actor=other_manager,
    ).purchase
    assert sold.receipt_number == "RIVERSIDE-S1"
    again = package_sell(
        method="cash", clinic=clinic, client=patient, plan_id=plan.pk, actor=manager
    ).purchase
    assert again.receipt_number == "GLOW-S51"


@pytest.mark.usefixtures("stripe_at_localstripe")
def test_the_portal_the_balance_tab_and_the_api_show_the_stored_number(
    full_policy, held, clinic, plan, patient, manager, signed_in, patient_api
):
    booking = held("10:00")
    payment = pay(booking)
    refund = services.refund_create(payment=payment, amount=1000)
    sold = package_sell(
        method="cash", clinic=clinic, client=patient, plan_id=plan.pk, actor=manager
    ).purchase
    _past(booking)  # in the history
    # Stored numbers are what every door shows (not the ids).
    Payment.objects.filter(pk=payment.pk).update(receipt_number="GLOW-P7")
    Refund.objects.filter(pk=refund.pk).update(receipt_number="GLOW-R8")
    Purchase.objects.filter(pk=sold.pk).update(receipt_number="GLOW-S9")

    history = BeautifulSoup(signed_in.get("/bookings/history/").content, "html.parser")
    shown = {a["data-receipt-number"] for a in history.select("a[data-receipt-number]")}
    assert shown == {"GLOW-P7", "GLOW-R8", "GLOW-S9"}
    assert "GLOW-P7" in history.get_text()

    staff = admin_client_for(manager, clinic)
    tab = staff.get(f"/admin/clinic/clients/{patient.pk}/?tab=balance").content.decode()
    cells = [
        td.get_text(strip=True)
        for td in BeautifulSoup(tab, "html.parser").select("[data-receipt-number]")
    ]
    assert "GLOW-P7" in cells and "GLOW-R8" in cells
    assert any(cell.startswith("GLOW-S9") for cell in cells)

    [listed] = patient_api.get("/api/v1/payments").json()["results"]
    assert listed["receipt_number"] == "GLOW-P7"
    assert [r["receipt_number"] for r in listed["refunds"]] == ["GLOW-R8"]
    [bought] = patient_api.get("/api/v1/purchases").json()["results"]
    assert bought["receipt_number"] == "GLOW-S9"
    assert "GLOW-P7" in pdf_text(receipts.payment_receipt_pdf(payment))
    # The person's copy of their data (privacy export) carries them too.
    [exported] = export_payments(clinic=clinic, client=patient)["data"]["payments"]
    assert exported["receipt_number"] == "GLOW-P7"
    assert [r["receipt_number"] for r in exported["refunds"]] == ["GLOW-R8"]
    [exported_sale] = export_purchases(clinic=clinic, client=patient)["data"]["purchases"]
    assert exported_sale["receipt_number"] == "GLOW-S9"


def _historical_apps(app, name):
    return MigrationLoader(connection).project_state((app, name)).apps


def _migration(app, name):
    return importlib.import_module(f"{app}.migrations.{name}")


def test_existing_receipts_keep_their_issued_numbers_and_others_follow_the_highest(
    held, clinic, other_clinic
):
    """The data migrations: a receipt issued with its snapshot keeps ``GLOW-P<id>``;
    the others are numbered in the order they were issued, after the highest; the
    counter continues from there; another clinic numbers from 1; paid purchases (their
    receipt emailed when paid) keep ``GLOW-S<id>``."""
    booking = held("10:00")
    now = timezone.now()

    def payment(key, *, minutes, snapshot, at=clinic, status="succeeded"):
        return Payment.objects.create(
            clinic=at,
            booking=booking,
            kind="full",
            amount=4500,
            amount_captured=4500,
            currency="GBP",
            status=status,
            succeeded_at=now + datetime.timedelta(minutes=minutes),
            idempotency_key=key,
            receipt_snapshot={"issued": "then"} if snapshot else None,
        )

    early_unissued = payment("a", minutes=1, snapshot=False)
    late_unissued = payment("d", minutes=0, snapshot=False)  # made later, issued first
    issued_low = payment("b", minutes=2, snapshot=True)
    issued_high = payment("c", minutes=3, snapshot=True)
    pending = payment("e", minutes=5, snapshot=False, status="pending")
    riverside = payment("f", minutes=4, snapshot=False, at=other_clinic)
    refund_unissued = Refund.objects.create(
        payment=issued_low, amount=100, status="succeeded", idempotency_key="r2"
    )
    refund_issued = Refund.objects.create(
        payment=issued_low,
        amount=100,
        status="succeeded",
        idempotency_key="r1",
        receipt_snapshot={"issued": "then"},
    )

    def sale(key, **paid):
        return Purchase.objects.create(
            clinic=clinic,
            client=booking.client,
            kind="package",
            description="Three",
            amount=100,
            currency="GBP",
            method="desk",
            idempotency_key=key,
            **paid,
        )

    purchase = sale("p1", status="succeeded", amount_captured=100, succeeded_at=now)
    unpaid = sale("p2")

    payments_apps = _historical_apps("payments", "0010_number_existing_receipts")
    _migration("payments", "0010_number_existing_receipts").number_existing_receipts(
        payments_apps, None
    )
    commerce_apps = _historical_apps("commerce", "0010_number_existing_purchases")
    _migration("commerce", "0010_number_existing_purchases").number_existing_purchases(
        commerce_apps, None
    )

    def number(row):
        row.refresh_from_db()
        return row.receipt_number

    top = issued_high.pk
    assert number(issued_low) == f"GLOW-P{issued_low.pk}"
    assert number(issued_high) == f"GLOW-P{top}"
    assert number(late_unissued) == f"GLOW-P{top + 1}"  # issued before early_unissued
    assert number(early_unissued) == f"GLOW-P{top + 2}"
    assert number(pending) == ""
    assert number(riverside) == "RIVERSIDE-P1"
    assert number(refund_issued) == f"GLOW-R{refund_issued.pk}"
    assert number(refund_unissued) == f"GLOW-R{refund_issued.pk + 1}"
    assert (number(purchase), number(unpaid)) == (f"GLOW-S{purchase.pk}", "")

    # New numbers continue after the highest, per clinic and series.
    assert receipt_number_take(clinic=clinic, series=ReceiptSeries.PAYMENT) == f"GLOW-P{top + 3}"
    assert receipt_number_take(clinic=other_clinic, series=ReceiptSeries.PAYMENT) == (
        "RIVERSIDE-P2"
    )
    assert receipt_number_take(clinic=clinic, series=ReceiptSeries.PURCHASE) == (
        f"GLOW-S{purchase.pk + 1}"
    )
    assert ReceiptCounter.objects.get(clinic=clinic, series="R").last == refund_issued.pk + 1


@pytest.mark.usefixtures("stripe_at_localstripe")
def test_a_refund_not_yet_made_has_no_receipt_and_takes_no_number(
    full_policy, held, signed_in, patient_api
):
    """Found building this: a pending (or failed) refund's receipt PDF was served, and
    would have taken a number from the sequence for money that never went back."""
    payment = pay(held("10:00"))
    pending = refund_record(payment=payment, amount=1000)  # recorded, Stripe not asked yet

    assert signed_in.get(f"/receipts/refund/{pending.pk}.pdf").status_code == 404
    assert patient_api.get(f"/api/v1/refunds/{pending.pk}/receipt.pdf").status_code == 404
    pending.refresh_from_db()
    assert pending.receipt_number == ""
    assert not ReceiptCounter.objects.filter(series=ReceiptSeries.REFUND).exists()

    made = refund_send(refund_id=pending.pk)
    assert made.receipt_number == "GLOW-R1"
    assert signed_in.get(f"/receipts/refund/{made.pk}.pdf").status_code == 200
