"""PDF receipts, one per payment and one per refund, in the clinic's branding.

A receipt shows what was issued: its lines, amounts and times are written down (as text,
in the clinic's language, time zone and currency format) when it is first made — when
the payment or refund succeeds and its receipt is emailed — in the row's
``receipt_snapshot``, and every later copy is made from that. A booking moved or
refunded afterwards does not change an issued receipt (a refund has its own); a
payment's receipt whose booking was cancelled since says so in a line of its own, with
the refunds' receipts, and asks for no balance (``_changes_since``). It is
emailed once when a payment succeeds (``receipt_email``, key
``payment-<id>-receipt``); "send me a copy" sends it again under a new key. Its number
is the clinic's own, stored on the row when it succeeded (``receipt_number``).
"""

import base64
import datetime
import mimetypes

from django.utils import timezone, translation
from django.utils.translation import gettext as _

from booking_api.lifecycle import CANCELLED_STATUSES
from branding import clinic_time
from branding.links import portal_url
from branding.money import format_money
from branding.pdf import render_pdf
from branding.selectors import clinic_branding
from notifications.language import speaking_to
from notifications.models import Category, Channel
from notifications.selectors import notified_since
from notifications.services import notify
from payments.models import Payment, PaymentStatus, ReceiptSeries, Refund, RefundStatus
from payments.selectors import booking_money, receipt_changes
from payments.services.receipt_numbers import receipt_number_ensure

TEMPLATE = "payments/receipt.html"
COPY_INTERVAL = datetime.timedelta(minutes=1)  # "send me a copy" at most this often


def logo_data_url(branding):
    """The logo embedded as a data: URL (the PDF renderer fetches nothing else)."""
    if not branding.logo_id:
        return ""
    try:
        rendition = branding.logo.get_rendition("max-360x120")
        with rendition.file.open("rb") as f:
            data = f.read()
        name = rendition.file.name
    except (OSError, ValueError):
        return ""
    mime = mimetypes.guess_type(name)[0] or "image/png"
    return f"data:{mime};base64,{base64.b64encode(data).decode()}"


def _owes_balance(money) -> bool:
    fully_refunded = money.captured > 0 and money.refunded >= money.captured
    return money.owes_visit and not fully_refunded


# What a receipt shows of the booking and its money, kept as issued. Not the patient's
# name and email: those stay the account's, so erasing the person reaches old receipts.
SNAPSHOT_KEYS = ("service", "staff", "when", "issued", "amounts")


def _context(payment, refund=None):
    """The receipt's context: the issued snapshot, taken now if there is none yet."""
    row = refund or payment
    context = _current_context(payment, refund)
    if row.receipt_snapshot is None:
        snapshot = {key: context[key] for key in SNAPSHOT_KEYS}
        location = context["location"]
        snapshot["location"] = (
            {"address": location.address, "phone": location.phone} if location else None
        )
        # First writer wins (a copy made at the same moment keeps the same lines).
        type(row).objects.filter(pk=row.pk, receipt_snapshot__isnull=True).update(
            receipt_snapshot=snapshot
        )
        row.receipt_snapshot = (
            type(row).objects.values_list("receipt_snapshot", flat=True).get(pk=row.pk)
        )
    issued = {**context, **row.receipt_snapshot}
    if payment.booking.status in CANCELLED_STATUSES:
        # The figures stay as issued, but a cancelled visit is owed by nobody.
        issued["amounts"] = {**issued["amounts"], "balance": ""}
    if refund is None:
        issued.update(_changes_since(payment))
    return issued


def _changes_since(payment):
    """The line a payment's receipt adds when its booking was cancelled after it was
    issued (the refunds linked to their own receipts in the portal); nothing else."""
    cancelled_at, refunds = receipt_changes(payment)
    if cancelled_at is None:
        return {}
    with clinic_time.override(payment.clinic):
        cancelled_on = clinic_time.format_date(cancelled_at)
    return {
        "cancelled_on": cancelled_on,
        "later_refunds": refunds,
        "portal_origin": portal_url(payment.clinic, ""),
    }


def _current_context(payment, refund=None):
    booking = payment.booking
    clinic = payment.clinic
    branding = clinic_branding(clinic)
    money = booking_money(booking)

    def fmt(amount):
        return format_money(amount, payment.currency)

    deposit_paid = sum(
        p.amount_captured
        for p in booking.payments.filter(status="succeeded", kind="deposit").only("amount_captured")
    )
    issued = refund.created_at if refund else (payment.succeeded_at or payment.created_at)
    # On the clinic's wall clock, in the clinic's locale (its language, its country).
    with clinic_time.override(clinic):
        when = clinic_time.format_datetime(booking.start, "weekday")
        issued_text = clinic_time.format_datetime(issued)
    user = booking.client.user
    return {
        "clinic": clinic,
        "branding": branding,
        "logo": logo_data_url(branding),
        "location": booking.location,
        "patient": user.get_full_name() or user.email or "",
        "patient_email": user.email or "",
        "booking": booking,
        "service": booking.service.name,
        "staff": booking.staff.display_name,
        "when": when,
        "issued": issued_text,
        "number": receipt_number(payment, refund),
        "payment": payment,
        "refund": refund,
        "title": _("Refund receipt") if refund else _("Payment receipt"),
        "amounts": {
            "price": fmt(booking.price),
            "discount": fmt(money.discount) if money.discount else "",
            "discount_label": payment.discount_label,
            "deposit": fmt(deposit_paid) if deposit_paid else "",
            "this": fmt(refund.amount if refund else payment.amount_captured),
            "paid": fmt(money.net_paid),
            "refunded": fmt(money.refunded) if money.refunded else "",
            # Nothing is to pay on a booking refunded in full or whose visit is not owed
            # (cancelled, refunded): the line is left off rather than asking for the price.
            "balance": fmt(max(money.balance_due, 0)) if _owes_balance(money) else "",
        },
    }


def receipt_number(payment, refund=None) -> str:
    """The number the receipt was issued with (``GLOW-P12``, ``GLOW-R3``): the clinic's
    own sequence, stored on the row when it succeeded (``services.receipt_numbers``)."""
    if refund is not None:
        if refund.status != RefundStatus.SUCCEEDED:  # no receipt: it takes no number
            return refund.receipt_number
        return receipt_number_ensure(refund, clinic=payment.clinic, series=ReceiptSeries.REFUND)
    if payment.status != PaymentStatus.SUCCEEDED:
        return payment.receipt_number
    return receipt_number_ensure(payment, clinic=payment.clinic, series=ReceiptSeries.PAYMENT)


def receipt_filename(payment, refund=None) -> str:
    return f"receipt-{receipt_number(payment, refund).lower()}.pdf"


def _load(payment_id):
    return Payment.objects.select_related(
        "clinic", "booking__client__user", "booking__service", "booking__staff", "booking__location"
    ).get(pk=payment_id)


def payment_receipt_pdf(payment) -> bytes:
    """The receipt of a succeeded payment, as PDF bytes."""
    payment = _load(payment.pk)
    with translation.override(payment.clinic.language or "en"):
        return render_pdf(TEMPLATE, _context(payment))


def refund_receipt_pdf(refund) -> bytes:
    payment = _load(refund.payment_id)
    refund = Refund.objects.get(pk=refund.pk)
    with translation.override(payment.clinic.language or "en"):
        return render_pdf(TEMPLATE, _context(payment, refund))


def receipt_email(*, payment, refund=None, copy=False):
    """Email the receipt to the patient (always by email: it is a record of money). The
    first sending is once per payment or refund; a copy is sent each time it is asked
    for, at most once a minute."""
    payment = _load(payment.pk)
    if payment.status != "succeeded" or (refund and refund.status != RefundStatus.SUCCEEDED):
        return None
    clinic = payment.clinic
    with speaking_to(clinic, payment.booking.client.user):
        pdf = refund_receipt_pdf(refund) if refund else payment_receipt_pdf(payment)
        subject = _context(payment, refund)["title"]
        amount = format_money(
            refund.amount if refund else payment.amount_captured, payment.currency
        )
        body = (
            _("Your refund of %(amount)s for %(service)s: the receipt is attached.")
            if refund
            else _("Thank you for your payment of %(amount)s for %(service)s: receipt attached.")
        ) % {"amount": amount, "service": payment.booking.service.name}
    key = f"refund-{refund.pk}-receipt" if refund else f"payment-{payment.pk}-receipt"
    if copy:
        now = timezone.now()
        if notified_since(key_prefix=f"{key}-copy-", since=now - COPY_INTERVAL):
            return None  # a copy went less than a minute ago: nothing is sent
        key += f"-copy-{now:%Y%m%d%H%M%S%f}"
    return notify(
        clinic=clinic,
        user=payment.booking.client.user,
        kind="payment_receipt",
        category=Category.ACCOUNT,
        channels=[Channel.EMAIL],
        title=f"{subject} {receipt_number(payment, refund)}",
        body=body,
        idempotency_key=key,
        attachments=[(receipt_filename(payment, refund), pdf, "application/pdf")],
    )
