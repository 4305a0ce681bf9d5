"""The gift card as a branded PDF (WeasyPrint through ``branding.pdf.render_pdf``, as
receipts are made): the clinic's logo and colours, the amount, the code, the message."""

from branding import clinic_time
from branding.money import format_money
from branding.pdf import render_pdf
from branding.selectors import clinic_branding
from payments.receipts import logo_data_url

TEMPLATE = "commerce/gift_card.html"


def gift_card_pdf(card) -> bytes:
    clinic = card.clinic
    branding = clinic_branding(clinic)
    with clinic_time.override(clinic):
        issued = clinic_time.format_date(card.deliver_on)
    return render_pdf(
        TEMPLATE,
        {
            "clinic": clinic,
            "branding": branding,
            "logo": logo_data_url(branding),
            "card": card,
            "amount": format_money(card.amount, card.currency),
            "issued": issued,
        },
    )
