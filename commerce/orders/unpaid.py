"""Unpaid orders: stock is taken when an order is placed, so an order left awaiting
payment is cancelled — by the patient ("Cancel" in My orders) or by the worker once it
has waited ``UNPAID_FOR`` — its stock given back, its purchase cancelled here and its
PaymentIntent at Stripe (a payment that still arrives is refunded by ``order_paid``)."""

import datetime

from django.db import transaction
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from commerce.errors import CommerceError, CommerceErrorCode
from commerce.models import Order, OrderStatus
from commerce.orders.services import _refund_all, _restock
from payments.charges import charge_intent_cancel
from people.models import AuditAction
from people.services import audit_record

UNPAID_FOR = datetime.timedelta(minutes=30)


def _cancel_unpaid(order, *, actor, reason, request=None):
    """Cancel an order still awaiting payment (row locked by the caller): its stock back,
    its purchase cancelled here and its PaymentIntent at Stripe after commit (a payment
    that arrives all the same is refunded by ``order_paid``); audited."""
    _restock(order)
    _refund_all(order, actor=actor, reason=reason)
    order.status, order.decline_reason = OrderStatus.CANCELLED, reason[:300]
    order.save(update_fields=["status", "decline_reason"])
    purchase = order.purchase
    if purchase is not None and purchase.stripe_payment_intent_id:
        clinic, intent_id = order.clinic, purchase.stripe_payment_intent_id
        transaction.on_commit(lambda: charge_intent_cancel(clinic=clinic, intent_id=intent_id))
    audit_record(
        clinic=order.clinic,
        actor=actor,
        action=AuditAction.CHANGE,
        client=order.client,
        summary=f"Order {order.number}: awaiting_payment → cancelled ({reason})"[:300],
        changes={"status": [OrderStatus.AWAITING_PAYMENT, OrderStatus.CANCELLED]},
        request=request,
    )
    return order


@transaction.atomic
def order_cancel_unpaid(*, clinic, client, reference, request=None) -> Order:
    """The patient gives up an order they have not paid for yet (another's: 404)."""
    order = (
        Order.objects.select_for_update(of=("self",))
        .select_related("purchase", "clinic", "client")
        .filter(clinic=clinic, client=client, reference=reference)
        .first()
    )
    if order is None:
        raise Http404("No such order.")
    if order.status != OrderStatus.AWAITING_PAYMENT:
        raise CommerceError(
            _("This order is %(status)s: it cannot be cancelled.")
            % {"status": order.get_status_display().lower()},
            field="status",
            code=CommerceErrorCode.ORDER_STATE,
        )
    return _cancel_unpaid(
        order, actor=client.user, reason=_("Cancelled by you before paying."), request=request
    )


def orders_expire_unpaid(now=None) -> int:
    """django-q2 schedule (every 5 minutes, migration 0006): orders still awaiting
    payment ``UNPAID_FOR`` after they were made are cancelled by the system, their stock
    given back. Each in its own transaction; one already paid or cancelled is skipped."""
    cutoff = (now or timezone.now()) - UNPAID_FOR
    ids = list(
        Order.objects.filter(
            status=OrderStatus.AWAITING_PAYMENT, created_at__lte=cutoff
        ).values_list("pk", flat=True)
    )
    done = 0
    for pk in ids:
        with transaction.atomic():
            order = (
                Order.objects.select_for_update(of=("self",))
                .select_related("purchase", "clinic", "client")
                .filter(pk=pk, status=OrderStatus.AWAITING_PAYMENT)
                .first()
            )
            if order is None:
                continue
            _cancel_unpaid(order, actor=None, reason=_("Not paid within 30 minutes."))
            done += 1
    return done
