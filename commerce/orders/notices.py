"""Telling the patient where their order is: one notification per step (keyed
``order-<id>-<step>``, so a task that runs twice tells once), in the clinic's language,
leading to the order's page in the portal."""

from django.utils.translation import gettext as _

from branding.links import portal_reverse
from branding.money import format_money
from commerce.models import Order, OrderStatus
from commerce.purchases import purchase_refunded
from notifications.language import speaking_to
from notifications.models import Category
from notifications.services import notify


def _body(order, step):
    pick_up = _("We will tell you when it is ready to pick up.")
    if step == OrderStatus.PLACED:
        if order.needs_approval:
            return _("We received your refill request; the team will check it.") + " " + pick_up
        return _("We received your order.") + " " + pick_up
    if step == OrderStatus.APPROVED:
        return _("Your refill request was approved.") + " " + pick_up
    if step == OrderStatus.READY:
        if order.payment == "pickup" and order.total:
            return _("Your order is ready to pick up. Please pay %(amount)s at the desk.") % {
                "amount": format_money(order.total, order.currency)
            }
        return _("Your order is ready to pick up.")
    if step == OrderStatus.FULFILLED:
        return _("You picked up your order. Thank you!")
    body = _("We are sorry: your order was declined. Reason: %(reason)s") % {
        "reason": order.decline_reason
    }
    refunded = purchase_refunded(order.purchase) if order.purchase_id else 0
    if refunded:
        body += " " + _("%(amount)s is refunded to your card.") % {
            "amount": format_money(refunded, order.currency)
        }
    return body


def order_tell(*, order_id, step):
    order = Order.objects.select_related("clinic", "client__user", "purchase").get(pk=order_id)
    clinic = order.clinic
    with speaking_to(clinic, order.client.user):
        title = _("Order %(number)s: %(status)s") % {
            "number": order.number,
            "status": OrderStatus(step).label,
        }
        body = _body(order, step)
    return notify(
        clinic=clinic,
        user=order.client.user,
        kind=f"order_{step}",
        category=Category.ACCOUNT,
        title=str(title),
        body=str(body),
        url=portal_reverse(clinic, "portal:order_detail", reference=order.reference),
        idempotency_key=f"order-{order.pk}-{step}",
        object_id=str(order.pk),
    )
