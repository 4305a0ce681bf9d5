"""The shop's lines on the client's Balance tab (``payments.balance_lines``): every paid
purchase (packages, gift cards, orders) with its receipt, and the orders still to be
paid at pick-up."""

from django.urls import reverse
from django.utils.translation import gettext as _

from branding.money import format_money
from commerce.models import Order, OrderPayment, OrderStatus
from commerce.selectors import client_purchases
from payments.balance_lines import BalanceLine


def purchase_lines(clinic, account):
    lines = []
    for purchase in client_purchases(clinic, account, paid_only=True):
        refunded = sum(r.amount for r in purchase.refunds.all())
        lines.append(
            BalanceLine(
                when=purchase.succeeded_at or purchase.created_at,
                what=f"{purchase.get_kind_display()}: {purchase.description}",
                amount=format_money(purchase.amount_captured, purchase.currency),
                status=f"{purchase.get_status_display()} · {purchase.get_method_display()}",
                refunded=format_money(refunded, purchase.currency) if refunded else "",
                receipt_url=reverse("commerce_purchase_receipt", args=[purchase.pk]),
                receipt_number=purchase.receipt_number,
            )
        )
    unpaid = Order.objects.filter(
        clinic=clinic,
        client=account,
        payment=OrderPayment.AT_PICKUP,
        purchase__isnull=True,
        total__gt=0,
    ).exclude(status=OrderStatus.DECLINED)
    for order in unpaid:
        lines.append(
            BalanceLine(
                when=order.created_at,
                what=_("Order %(number)s") % {"number": order.number},
                amount=format_money(order.total, order.currency),
                status=_("To pay at pick-up"),
            )
        )
    return lines
