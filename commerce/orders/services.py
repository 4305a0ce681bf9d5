"""Every write to orders: a patient places one (the products' stock is taken under their
row locks, so two orders never both get the last one), and staff move it on — approve
(refills), ready, fulfilled — or decline it with a reason, which puts the stock back
and refunds what was paid (at most what was paid: ``purchase_refund``).

Payment follows the clinic's ``orders_payment`` setting: ``order`` makes a card
purchase at once (the order is received when it is paid, ``order_paid``), ``pickup``
makes a desk purchase when staff hand the order over. Each step tells the patient after
commit (``commerce.orders.notices``); each staff step is audited in its transaction."""

from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from branding.errors import FeatureDisabledError
from branding.money import format_money
from branding.selectors import feature_enabled, feature_option
from commerce.errors import CommerceError, CommerceErrorCode
from commerce.models import (
    Order,
    OrderLine,
    OrderPayment,
    OrderStatus,
    Product,
    ProductKind,
    Purchase,
    PurchaseKind,
    PurchaseMethod,
    PurchaseStatus,
)
from commerce.purchases import (
    OPEN,
    purchase_create,
    purchase_intent_start,
    purchase_paid_at_desk,
    purchase_refund,
    purchase_refunded,
)
from commerce.tasks import queue
from people.models import AuditAction, Pet
from people.services import audit_record

FEATURE = "orders"
MAX_QUANTITY = 20


def feature_on(clinic):
    if not feature_enabled(clinic, FEATURE):
        raise FeatureDisabledError(_("This clinic does not take orders."))


def _quantities(items):
    """``[{"product": id, "quantity": n}, …]`` → {product id: quantity}, checked."""
    if not items:
        raise CommerceError(
            _("Choose at least one product."),
            field="items",
            code=CommerceErrorCode.ORDER_INVALID,
        )
    wanted = {}
    for item in items:
        try:
            product_id, quantity = int(item["product"]), int(item.get("quantity", 1))
        except (KeyError, TypeError, ValueError):
            raise CommerceError(
                _("Each item names a product and a quantity."),
                field="items",
                code=CommerceErrorCode.ORDER_INVALID,
            ) from None
        if quantity < 1 or quantity > MAX_QUANTITY:
            raise CommerceError(
                _("Order between 1 and %(max)s of each product.") % {"max": MAX_QUANTITY},
                field="quantity",
                code=CommerceErrorCode.ORDER_INVALID,
            )
        wanted[product_id] = wanted.get(product_id, 0) + quantity
    return wanted


def _pet(clinic, client, pet_id, needs_approval):
    if pet_id in (None, ""):
        if needs_approval and feature_enabled(clinic, "pets") and client.pets.active().exists():
            raise CommerceError(
                _("Choose the pet this refill is for."),
                field="pet",
                code=CommerceErrorCode.NOT_YOUR_PET,
            )
        return None
    pet = None
    if feature_enabled(clinic, "pets"):
        pet = Pet.objects.active().filter(clinic=clinic, owner=client, pk=pet_id).first()
    if pet is None:
        raise CommerceError(
            _("Choose one of your own pets."), field="pet", code=CommerceErrorCode.NOT_YOUR_PET
        )
    return pet


@transaction.atomic
def order_place(*, clinic, client, items, pet_id=None, note="") -> Order:
    """A patient orders products for pick-up. Refused with nothing written when a
    product is not on sale here (``product``), too few are in stock (``quantity``) or the
    pet is not theirs (``pet``). Paid online at order: the order carries its purchase
    with ``client_secret``; it is received once paid."""
    feature_on(clinic)
    if client.clinic_id != clinic.pk:
        raise CommerceError(
            _("This client belongs to another clinic."),
            field="client",
            code=CommerceErrorCode.OTHER_CLINIC,
        )
    wanted = _quantities(items)
    products = {
        p.pk: p
        for p in Product.objects.select_for_update()
        .filter(clinic=clinic, active=True, pk__in=wanted)
        .order_by("pk")
    }
    for product_id, quantity in wanted.items():
        product = products.get(product_id)
        if product is None:
            raise CommerceError(
                _("That product is not on sale here."),
                field="product",
                code=CommerceErrorCode.ORDER_INVALID,
            )
        if product.stock is not None and product.stock < quantity:
            raise CommerceError(
                _("Only %(count)s of %(name)s left.") % {"count": product.stock, "name": product},
                field="quantity",
                code=CommerceErrorCode.OUT_OF_STOCK,
            )
    needs_approval = any(p.kind == ProductKind.MEDICATION for p in products.values())
    pet = _pet(clinic, client, pet_id, needs_approval)
    total = sum(products[pk].price * quantity for pk, quantity in wanted.items())
    payment = feature_option(clinic, "orders_payment")
    if total == 0:
        payment = OrderPayment.AT_PICKUP  # nothing to pay online
    now = timezone.now()
    order = Order.objects.create(
        clinic=clinic,
        client=client,
        pet=pet,
        status=OrderStatus.AWAITING_PAYMENT
        if payment == OrderPayment.AT_ORDER
        else OrderStatus.PLACED,
        placed_at=None if payment == OrderPayment.AT_ORDER else now,
        payment=payment,
        needs_approval=needs_approval,
        total=total,
        currency=clinic.currency,
        note=(note or "").strip()[:300],
    )
    for product_id, quantity in wanted.items():
        product = products[product_id]
        OrderLine.objects.create(
            order=order,
            product=product,
            name=product.name,
            kind=product.kind,
            unit_price=product.price,
            quantity=quantity,
        )
        if product.stock is not None:
            Product.objects.filter(pk=product.pk).update(stock=F("stock") - quantity)
    if payment == OrderPayment.AT_ORDER:
        purchase = purchase_create(
            clinic=clinic,
            client=client,
            kind=PurchaseKind.ORDER,
            description=_order_description(order),
            amount=total,
            method=PurchaseMethod.CARD,
        )
        order.purchase = purchase
        order.save(update_fields=["purchase"])
        order.purchase = purchase_intent_start(purchase)
    else:
        _tell_after_commit(order, "placed")
    return order


def _order_description(order):
    return _("Order %(number)s") % {"number": order.number}


def order_paid(*, purchase):
    """The order's purchase was paid (``purchase_apply_intent``, inside its transaction):
    the order is received now, once."""
    order = Order.objects.select_for_update().filter(purchase=purchase).first()
    if order is not None and order.status in (OrderStatus.DECLINED, OrderStatus.CANCELLED):
        # Paid (in the browser, through Stripe.js) after staff declined it, or after it
        # was cancelled unpaid: give it back.
        _refund_all(order, actor=None, reason=order.decline_reason)
        return
    if order is None or order.status != OrderStatus.AWAITING_PAYMENT:
        return
    order.status, order.placed_at = OrderStatus.PLACED, timezone.now()
    order.save(update_fields=["status", "placed_at"])
    _tell_after_commit(order, "placed")


def _tell_after_commit(order, step):
    transaction.on_commit(lambda: queue("order_tell", order.pk, step))


# Staff steps: action → (statuses it may start from, status it leads to).
STEPS = {
    "approve": ((OrderStatus.PLACED,), OrderStatus.APPROVED),
    "ready": ((OrderStatus.PLACED, OrderStatus.APPROVED), OrderStatus.READY),
    "fulfil": ((OrderStatus.READY,), OrderStatus.FULFILLED),
    "decline": (
        (
            OrderStatus.AWAITING_PAYMENT,
            OrderStatus.PLACED,
            OrderStatus.APPROVED,
            OrderStatus.READY,
        ),
        OrderStatus.DECLINED,
    ),
}
STAMP = {
    OrderStatus.APPROVED: "approved_at",
    OrderStatus.READY: "ready_at",
    OrderStatus.FULFILLED: "fulfilled_at",
    OrderStatus.DECLINED: "declined_at",
}


def _staff_order(clinic, order_id):
    order = (
        Order.objects.select_for_update(of=("self",))
        .filter(clinic=clinic, pk=order_id)
        .select_related("client", "purchase")
        .first()
    )
    if order is None:
        raise CommerceError(
            _("No such order here."), field="order", code=CommerceErrorCode.ORDER_UNKNOWN
        )
    return order


@transaction.atomic
def order_step(*, clinic, order_id, action, actor, reason="", request=None) -> Order:
    """Staff move an order on: ``approve`` (a refill), ``ready``, ``fulfil`` (handed
    over; paid at pick-up: the desk purchase is made now) or ``decline`` (``reason``
    required, shown to the patient; stock back; a paid order refunded in full)."""
    if action not in STEPS:
        raise CommerceError(_("Unknown step."), field="action", code=CommerceErrorCode.ORDER_STATE)
    order = _staff_order(clinic, order_id)
    starts, target = STEPS[action]
    reason = (reason or "").strip()
    if action == "decline" and not reason:
        raise CommerceError(
            _("Say why the order is declined: the patient sees it."),
            field="reason",
            code=CommerceErrorCode.REASON_REQUIRED,
        )
    blocked = order.status not in starts or (action == "approve" and not order.needs_approval)
    if action == "ready" and order.needs_approval and order.status != OrderStatus.APPROVED:
        blocked = True
    if blocked:
        raise CommerceError(
            _("This order is %(status)s: it cannot be %(step)s.")
            % {"status": order.get_status_display().lower(), "step": _step_label(action)},
            field="status",
            code=CommerceErrorCode.ORDER_STATE,
        )
    before = order.status
    refunded = 0
    if action == "decline":
        order.decline_reason = reason[:300]
        _restock(order)
        refunded = _refund_all(order, actor=actor, reason=reason)
    if action == "fulfil" and order.payment == OrderPayment.AT_PICKUP and order.total:
        purchase = purchase_create(
            clinic=clinic,
            client=order.client,
            kind=PurchaseKind.ORDER,
            description=_order_description(order),
            amount=order.total,
            method=PurchaseMethod.DESK,
            actor=actor,
        )
        order.purchase = purchase
        purchase_paid_at_desk(purchase)
    order.status = target
    setattr(order, STAMP[target], timezone.now())
    order.save()
    if action == "fulfil" and order.purchase_id:
        purchase_id = order.purchase_id
        transaction.on_commit(lambda: queue("purchase_points", purchase_id))
    summary = f"Order {order.number}: {before} → {target}"
    if reason:
        summary += f" ({reason})"
    if refunded:
        summary += f", refunded {format_money(refunded, order.currency)}"
    audit_record(
        clinic=clinic,
        actor=actor,
        action=AuditAction.CHANGE,
        client=order.client,
        summary=summary[:300],
        changes={"status": [before, target]},
        request=request,
    )
    _tell_after_commit(order, target)
    return order


def _step_label(action):
    return {
        "approve": _("approved"),
        "ready": _("made ready"),
        "fulfil": _("handed over"),
        "decline": _("declined"),
    }[action]


def _restock(order):
    for line in order.lines.all():
        Product.objects.filter(pk=line.product_id, stock__isnull=False).update(
            stock=F("stock") + line.quantity
        )


def _refund_all(order, *, actor, reason):
    """Give back all that was paid; an order not yet paid can no longer be."""
    purchase = order.purchase
    if purchase is not None and purchase.status in OPEN:
        Purchase.objects.filter(pk=purchase.pk).update(status=PurchaseStatus.CANCELED)
        return 0
    if purchase is None or not purchase.is_paid:
        return 0
    left = purchase.amount_captured - purchase_refunded(purchase)
    if left <= 0:
        return 0
    purchase_refund(purchase=purchase, amount=left, actor=actor, reason=reason)
    return left
