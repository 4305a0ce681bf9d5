"""The payments app's part of the staff appointment page
(``booking_api.appointment_extras``): what the visit costs, what was paid and refunded,
the balance, its payment status and a link to the booking's payments page; and the
cancel page that asks first (``payments.admin_cancel``)."""

from django.db.models import Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from branding.money import format_money
from payments.cards import ALLOWED_STATUSES, charge_due
from payments.models import PaymentLink, PaymentLinkStatus
from payments.selectors import booking_money
from payments.services.pay_links import LINK_KINDS
from people.admin_toolkit.workspace import FRONT_DESK, request_admin_role


def payment_status(money) -> str:
    if not money.owes_visit:
        return _("Nothing to pay") if not money.net_paid else _("Paid (kept)")
    due = money.balance_due
    if due <= 0:
        return _("Paid") if due == 0 else _("Paid, in credit")
    if money.net_paid - money.fees - money.other > 0:
        return _("Part paid")
    return _("Unpaid")


def appointment_money_panel(request, booking):
    money = booking_money(booking)

    def fmt(value):
        return format_money(value, booking.currency)

    front_desk = request_admin_role(request) in FRONT_DESK
    return render_to_string(
        "payments/admin/_appointment_money.html",
        {
            "status": payment_status(money),
            "price": fmt(money.price),
            "discount": fmt(money.discount) if money.discount else "",
            "paid": fmt(money.net_paid),
            "refunded": fmt(money.refunded) if money.refunded else "",
            "balance": fmt(max(money.balance_due, 0)),
            "links": [
                {
                    "kind": link.get_kind_display(),
                    "amount": fmt(link.amount),
                    "status": link.get_status_display(),
                }
                for link in PaymentLink.objects.filter(
                    Q(status=PaymentLinkStatus.PAID)
                    | Q(status=PaymentLinkStatus.OPEN, expires_at__gt=timezone.now()),
                    booking=booking,
                )
            ],
            "payments_url": reverse("payments_admin:booking", args=[booking.pk])
            if front_desk
            else "",
            # Something is owed (the balance, a no-show or late-cancellation fee): the
            # desk may send a payment link for it (payments.pay_links).
            "pay_link_url": reverse("payments_admin:booking", args=[booking.pk]) + "#pay-links"
            if front_desk and _owed(booking)
            else "",
        },
        request=request,
    )


def _owed(booking) -> bool:
    return any(
        booking.status in ALLOWED_STATUSES[kind] and charge_due(booking, kind) > 0
        for kind in LINK_KINDS
    )


def cancel_page(booking):
    return reverse("payments_admin:cancel", args=[booking.pk])
