"""PDF receipts of purchases, in the clinic's branding (as ``payments.receipts`` makes
a booking's: WeasyPrint through ``branding.pdf.render_pdf``), made from the rows each
time (the number is the one stored when it was paid), emailed once when the purchase
is paid (key ``purchase-<id>-receipt``)."""

from django.utils import translation
from django.utils.translation import gettext as _

from branding import clinic_time
from branding.money import format_money
from branding.pdf import render_pdf
from branding.selectors import clinic_branding
from commerce.models import Purchase, PurchaseStatus
from commerce.purchases import purchase_refunded
from notifications.language import speaking_to
from notifications.models import Category, Channel
from notifications.services import notify
from payments.models import ReceiptSeries
from payments.receipts import logo_data_url
from payments.services.receipt_numbers import receipt_number_ensure

TEMPLATE = "commerce/receipt.html"


def purchase_receipt_number(purchase) -> str:
    """The number the receipt was issued with (``GLOW-S12``), stored when it was paid."""
    if purchase.status != PurchaseStatus.SUCCEEDED:  # no receipt: it takes no number
        return purchase.receipt_number
    return receipt_number_ensure(purchase, clinic=purchase.clinic, series=ReceiptSeries.PURCHASE)


def purchase_receipt_filename(purchase) -> str:
    return f"receipt-{purchase_receipt_number(purchase).lower()}.pdf"


def _context(purchase):
    clinic = purchase.clinic
    branding = clinic_branding(clinic)
    refunded = purchase_refunded(purchase)
    with clinic_time.override(clinic):
        issued = clinic_time.format_datetime(purchase.succeeded_at or purchase.created_at)
    user = purchase.client.user
    return {
        "clinic": clinic,
        "branding": branding,
        "logo": logo_data_url(branding),
        "purchase": purchase,
        "patient": user.get_full_name() or user.email or "",
        "patient_email": user.email or "",
        "issued": issued,
        "number": purchase_receipt_number(purchase),
        "title": _("Payment receipt"),
        "amounts": {
            "paid": format_money(purchase.amount_captured, purchase.currency),
            "refunded": format_money(refunded, purchase.currency) if refunded else "",
        },
    }


def purchase_receipt_pdf(purchase) -> bytes:
    purchase = Purchase.objects.select_related("clinic", "client__user").get(pk=purchase.pk)
    with translation.override(purchase.clinic.language or "en"):
        return render_pdf(TEMPLATE, _context(purchase))


def purchase_receipt_email(*, purchase):
    """Email the receipt once per paid purchase (always by email: a record of money)."""
    purchase = Purchase.objects.select_related("clinic", "client__user").get(pk=purchase.pk)
    if purchase.status != PurchaseStatus.SUCCEEDED:
        return None
    clinic = purchase.clinic
    pdf = purchase_receipt_pdf(purchase)  # the clinic's document, in its language
    with speaking_to(clinic, purchase.client.user):
        title = f"{_('Payment receipt')} {purchase_receipt_number(purchase)}"
        body = _("Thank you for your payment of %(amount)s for %(item)s: receipt attached.") % {
            "amount": format_money(purchase.amount_captured, purchase.currency),
            "item": purchase.description,
        }
    return notify(
        clinic=clinic,
        user=purchase.client.user,
        kind="purchase_receipt",
        category=Category.ACCOUNT,
        channels=[Channel.EMAIL],
        title=title,
        body=body,
        idempotency_key=f"purchase-{purchase.pk}-receipt",
        attachments=[(purchase_receipt_filename(purchase), pdf, "application/pdf")],
    )
