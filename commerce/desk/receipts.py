"""The desk checkout's receipt: one email when the checkout is completed (key
``desk-checkout-<id>-receipt``), listing every line (the visit, each product, the tip)
and every tender taken, with a PDF in the frame of every receipt
(``payments/receipt_layout.html``, ``branding.pdf.render_pdf``), in the clinic's
language, time zone and currency format. The desk's card payments send no receipt of
their own (``payments.services.intents``): this one lists them."""

from django.utils import translation
from django.utils.translation import gettext as _

from branding import clinic_time
from branding.money import format_money
from branding.pdf import render_pdf
from branding.selectors import clinic_branding
from commerce.desk.selectors import checkout_state, tender_change_note
from commerce.models import CheckoutStatus, DeskCheckout, TenderStatus
from notifications.language import speaking_to
from notifications.models import Category, Channel
from notifications.services import notify
from payments.receipts import logo_data_url

TEMPLATE = "commerce/desk/receipt.html"


def desk_receipt_number(checkout) -> str:
    """The number given when the checkout was completed (``checkout_complete``)."""
    return checkout.receipt_number


def desk_receipt_context(checkout) -> dict:
    """The receipt's lines and tenders as text (for the email body and the PDF)."""
    state = checkout_state(checkout)
    booking = checkout.booking
    clinic = checkout.clinic

    def fmt(amount):
        return format_money(amount, state.currency)

    service = booking.service.name
    if checkout.cover_label:
        service = f"{service} ({checkout.cover_label})"
    lines = [{"label": service, "amount": fmt(state.service_price)}]
    if state.discount:
        lines.append({"label": _("Reward discount"), "amount": fmt(-state.discount)})
    lines += [
        {"label": f"{line.quantity} × {line.name}", "amount": fmt(line.total)}
        for line in state.lines
    ]
    if state.tip:
        lines.append(
            {"label": _("Tip for %(name)s") % {"name": booking.staff}, "amount": fmt(state.tip)}
        )
    tenders = []
    if state.paid_before:
        tenders.append({"label": _("Paid before the visit"), "amount": fmt(state.paid_before)})
    if state.paid_by_link:
        tenders.append(
            {
                "label": _("Paid by payment link during checkout"),
                "amount": fmt(state.paid_by_link),
            }
        )
    for tender in state.tenders:
        if tender.status != TenderStatus.SUCCEEDED:
            continue
        label = tender.get_kind_display()
        change = tender_change_note(tender, state.currency)
        tenders.append(
            {"label": f"{label} ({change})" if change else label, "amount": fmt(tender.amount)}
        )
    branding = clinic_branding(clinic)
    with clinic_time.override(clinic):
        when = clinic_time.format_datetime(booking.start, "weekday")
        issued = clinic_time.format_datetime(checkout.completed_at or checkout.created_at)
    user = booking.client.user
    return {
        "clinic": clinic,
        "branding": branding,
        "logo": logo_data_url(branding),
        "location": booking.location,
        "patient": user.get_full_name() or user.email or "",
        "patient_email": user.email or "",
        "service": booking.service.name,
        "staff": str(booking.staff),
        "when": when,
        "issued": issued,
        "number": desk_receipt_number(checkout),
        "title": _("Payment receipt"),
        "lines": lines,
        "tenders": tenders,
        "total": fmt(state.total),
        "due": fmt(state.due),
    }


def desk_receipt_email(*, checkout_id):
    """Email the receipt of a completed checkout, once."""
    checkout = DeskCheckout.objects.select_related(
        "clinic", "booking__client__user", "booking__service", "booking__staff", "booking__location"
    ).get(pk=checkout_id)
    if checkout.status != CheckoutStatus.COMPLETED:
        return None
    clinic = checkout.clinic
    with translation.override(clinic.language or "en"):  # the clinic's document
        pdf = render_pdf(TEMPLATE, desk_receipt_context(checkout))
    with speaking_to(clinic, checkout.booking.client.user):
        context = desk_receipt_context(checkout)
        rows = [f"{row['label']}: {row['amount']}" for row in context["lines"]]
        rows.append(f"{_('Total')}: {context['total']}")
        rows += [f"{row['label']}: {row['amount']}" for row in context["tenders"]]
        rows.append(f"{_('Balance due')}: {context['due']}")
        body = (
            _("Thank you for your visit on %(when)s. Your receipt:") % {"when": context["when"]}
            + "\n\n"
            + "\n".join(rows)
        )
        title = f"{context['title']} {context['number']}"
    return notify(
        clinic=clinic,
        user=checkout.booking.client.user,
        kind="payment_receipt",
        category=Category.ACCOUNT,
        channels=[Channel.EMAIL],
        title=title,
        body=body,
        idempotency_key=f"desk-checkout-{checkout.pk}-receipt",
        attachments=[
            (f"receipt-{desk_receipt_number(checkout).lower()}.pdf", pdf, "application/pdf")
        ],
    )
