"""Purchases: paying for what is bought besides a booking, online (Stripe through
``payments.charges``) or at the desk, and refunding it.

The one place a PaymentIntent's state reaches a purchase is ``purchase_apply_intent``
(the synchronous confirmation and the webhook both come here), under the purchase's row
lock, so success — and what it gives the client (``_fulfil``) — happens once.
"""

import uuid

from django.db import transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from branding.money import format_money
from commerce.errors import CommerceError, CommerceErrorCode
from commerce.models import (
    Purchase,
    PurchaseMethod,
    PurchaseRefund,
    PurchaseStatus,
)
from payments import charges
from payments.cards import saved_card_for_client
from payments.errors import CardDeclinedError
from payments.models import ReceiptSeries
from payments.services.receipt_numbers import receipt_number_issue
from payments.stripe_api import field

PURPOSE = "commerce"
OPEN = (PurchaseStatus.PENDING, PurchaseStatus.REQUIRES_ACTION, PurchaseStatus.PROCESSING)
INTENT_STATUS = {
    "requires_payment_method": PurchaseStatus.PENDING,
    "requires_confirmation": PurchaseStatus.PENDING,
    "requires_action": PurchaseStatus.REQUIRES_ACTION,
    "processing": PurchaseStatus.PROCESSING,
    "canceled": PurchaseStatus.CANCELED,
}


def _metadata(purchase):
    return {"purchase_id": purchase.pk, "clinic": purchase.clinic.slug, "kind": purchase.kind}


def purchase_create(*, clinic, client, kind, description, amount, method, actor=None, **links):
    """A purchase row (not yet paid; the caller is inside a transaction). Its key is
    ``purchase-<reference>``."""
    if client.clinic_id != clinic.pk:
        raise CommerceError(
            _("This client belongs to another clinic."),
            field="client",
            code=CommerceErrorCode.OTHER_CLINIC,
        )
    reference = uuid.uuid4()
    return Purchase.objects.create(
        clinic=clinic,
        reference=reference,
        client=client,
        kind=kind,
        description=description[:200],
        amount=amount,
        currency=clinic.currency,
        method=method,
        actor=actor if getattr(actor, "pk", None) else None,
        idempotency_key=f"purchase-{reference}",
        **links,
    )


def purchase_paid_at_desk(purchase) -> Purchase:
    """Staff took the money at the desk: the purchase is paid now (inside the caller's
    transaction) and fulfilled."""
    purchase.status = PurchaseStatus.SUCCEEDED
    purchase.amount_captured = purchase.amount
    purchase.succeeded_at = timezone.now()
    purchase.save(update_fields=["status", "amount_captured", "succeeded_at"])
    _fulfil(purchase)
    purchase_receipt_number_issue(purchase)
    return purchase


def purchase_intent_start(purchase) -> Purchase:
    """The PaymentIntent of an online purchase (created once, keyed by the purchase);
    the purchase carries ``client_secret`` for Stripe.js."""
    if purchase.stripe_payment_intent_id:
        intent = charges.charge_intent_retrieve(
            clinic=purchase.clinic, intent_id=purchase.stripe_payment_intent_id
        )
    else:
        intent = charges.charge_intent_create(
            clinic=purchase.clinic,
            purpose=PURPOSE,
            key=purchase.idempotency_key,
            amount=purchase.amount,
            currency=purchase.currency,
            metadata=_metadata(purchase),
        )
        Purchase.objects.filter(pk=purchase.pk, stripe_payment_intent_id="").update(
            stripe_payment_intent_id=intent.id
        )
        purchase.refresh_from_db()
    purchase.client_secret = intent.client_secret
    return purchase


def _check_payable(purchase):
    if purchase.status not in OPEN:
        raise CommerceError(
            _("This purchase is %(status)s, not awaiting payment.")
            % {"status": purchase.get_status_display().lower()},
            field="purchase",
            code=CommerceErrorCode.PURCHASE_NOT_PAYABLE,
        )


def purchase_confirm(*, purchase, payment_method) -> Purchase:
    """Pay with a saved or (on the local test server) test card. A decline raises
    ``CardDeclinedError`` naming ``payment_method``; the next card gets a fresh intent."""
    purchase = Purchase.objects.select_related("client__user", "clinic").get(pk=purchase.pk)
    if purchase.status == PurchaseStatus.SUCCEEDED:
        return purchase
    _check_payable(purchase)
    if not purchase.stripe_payment_intent_id:
        purchase = purchase_intent_start(purchase)
    with transaction.atomic():
        locked = Purchase.objects.select_for_update().get(pk=purchase.pk)
        locked.confirm_attempts += 1
        locked.save(update_fields=["confirm_attempts"])
    try:
        intent = charges.charge_confirm(
            clinic=purchase.clinic,
            intent_id=purchase.stripe_payment_intent_id,
            payment_method=payment_method,
            client=purchase.client,
            key=purchase.idempotency_key,
            attempt=locked.confirm_attempts,
            purpose=PURPOSE,
            metadata=_metadata(purchase),
        )
    except CardDeclinedError as exc:
        Purchase.objects.filter(pk=purchase.pk).update(last_error=exc.message)
        raise
    if intent.id != purchase.stripe_payment_intent_id:  # a fresh attempt
        Purchase.objects.filter(pk=purchase.pk, status__in=OPEN).update(
            stripe_payment_intent_id=intent.id
        )
    return purchase_apply_intent(purchase_id=purchase.pk, intent=intent)


def purchase_pay_with_saved_card(*, purchase, card_id) -> Purchase:
    """Pay with one of the purchase's client's saved cards: the card must be this
    client's at this clinic (else 404, nothing sent to Stripe); then it is confirmed like
    any card (a decline raises ``CardDeclinedError``)."""
    card = saved_card_for_client(purchase.clinic, purchase.client, card_id)
    return purchase_confirm(purchase=purchase, payment_method=card.stripe_payment_method_id)


def purchase_test_authenticate(*, purchase, success) -> Purchase:
    """The 3-D Secure step of a test card (local test server only; against Stripe,
    Stripe.js shows the bank's own): completed, the purchase is paid; failed, it stays
    open and the next card gets a fresh intent."""
    purchase = Purchase.objects.select_related("clinic").get(pk=purchase.pk)
    if purchase.status == PurchaseStatus.SUCCEEDED:
        return purchase
    _check_payable(purchase)
    intent = charges.charge_test_authenticate(
        clinic=purchase.clinic, intent_id=purchase.stripe_payment_intent_id, success=success
    )
    return purchase_apply_intent(purchase_id=purchase.pk, intent=intent)


@transaction.atomic
def purchase_apply_intent(*, purchase_id, intent) -> Purchase:
    """Bring the purchase in line with its PaymentIntent as Stripe has it; success is
    applied (and fulfilled) once."""
    purchase = Purchase.objects.select_for_update().select_related("clinic").get(pk=purchase_id)
    if purchase.status == PurchaseStatus.SUCCEEDED:
        return purchase
    if intent["id"] != purchase.stripe_payment_intent_id:
        return purchase  # an intent this purchase has moved on from
    if intent["status"] != "succeeded":
        new = INTENT_STATUS.get(intent["status"], purchase.status)
        error = field(field(intent, "last_payment_error"), "message", "")
        if (new, error) != (purchase.status, purchase.last_error):
            purchase.status, purchase.last_error = new, error
            purchase.save(update_fields=["status", "last_error"])
        return purchase
    purchase.status = PurchaseStatus.SUCCEEDED
    purchase.amount_captured = field(intent, "amount_received") or intent["amount"]
    purchase.succeeded_at = timezone.now()
    purchase.last_error = ""
    purchase.save()
    _fulfil(purchase)
    purchase_receipt_number_issue(purchase)
    return purchase


@transaction.atomic
def purchase_installment_paid(*, purchase_id, amount) -> Purchase:
    """An installment of the purchase was paid: what was paid grows, and the first one
    makes the purchase paid (and fulfilled, once)."""
    purchase = Purchase.objects.select_for_update().select_related("clinic").get(pk=purchase_id)
    first = purchase.status != PurchaseStatus.SUCCEEDED
    purchase.amount_captured = min(purchase.amount, purchase.amount_captured + amount)
    if first:
        purchase.status = PurchaseStatus.SUCCEEDED
        purchase.succeeded_at = timezone.now()
        purchase.last_error = ""
    purchase.save()
    if first:
        _fulfil(purchase)
        purchase_receipt_number_issue(purchase)
    return purchase


def purchase_failed(*, purchase_id, message) -> None:
    """The purchase's payment failed for good (nothing was given)."""
    Purchase.objects.filter(pk=purchase_id).exclude(status=PurchaseStatus.SUCCEEDED).update(
        status=PurchaseStatus.FAILED, last_error=message[:1000]
    )


def purchase_receipt_number_issue(purchase) -> str:
    """The purchase's receipt number, given once when it is paid (the clinic's next in
    the shop series, ``GLOW-S12``): last in the transaction that marks it paid, after
    what ``_fulfil`` locked."""
    return receipt_number_issue(purchase, clinic=purchase.clinic, series=ReceiptSeries.PURCHASE)


def _fulfil(purchase):
    """What the purchase gives the client, in the transaction that marks it paid; the
    receipt follows after commit."""
    from commerce.giftcards.services import gift_card_issue
    from commerce.orders.services import order_paid
    from commerce.packages.services import package_issue

    if purchase.kind == "package":
        package_issue(purchase=purchase)
        # Points now (a gift card earns none when bought: its spending at a booking
        # does; an order earns when it is handed over, ``order_step``).
        transaction.on_commit(lambda: _queue("purchase_points", purchase.pk))
    elif purchase.kind == "gift_card":
        gift_card_issue(purchase=purchase)
    elif purchase.kind == "order":
        order_paid(purchase=purchase)
    transaction.on_commit(lambda: _queue("email_purchase_receipt", purchase.pk))


def _queue(name, purchase_id):
    from commerce import tasks

    tasks.queue(name, purchase_id)


def purchase_refresh(*, purchase) -> Purchase:
    """Read the intent again from Stripe and apply it (the Payment Element's return page:
    Stripe.js confirmed in the browser, the webhook may not have arrived)."""
    if purchase.status == PurchaseStatus.SUCCEEDED or not purchase.stripe_payment_intent_id:
        return purchase
    intent = charges.charge_intent_retrieve(
        clinic=purchase.clinic, intent_id=purchase.stripe_payment_intent_id
    )
    return purchase_apply_intent(purchase_id=purchase.pk, intent=intent)


def purchase_intent_webhook(intent, *, clinic) -> str:
    """``payments``' webhook hands us the intents we created (``metadata.purpose``),
    from ``clinic``'s Stripe account: only that clinic's purchases are looked at."""
    purchase = Purchase.objects.filter(clinic=clinic, stripe_payment_intent_id=intent["id"]).first()
    if purchase is None:
        return "unknown purchase intent (nothing done)"
    purchase = purchase_apply_intent(purchase_id=purchase.pk, intent=intent)
    return f"purchase {purchase.pk}: {purchase.status}"


def purchase_refunded(purchase) -> int:
    return purchase.refunds.aggregate(total=Sum("amount"))["total"] or 0


@transaction.atomic
def purchase_refund(*, purchase, amount, actor, reason) -> PurchaseRefund:
    """Give back ``amount`` of a paid purchase: never more than was paid less what went
    back before (read with the purchase locked). A card purchase is refunded at Stripe
    (keyed ``purchase-<id>-refund-<n>``); a desk one is recorded as handed back."""
    purchase = Purchase.objects.select_for_update().get(pk=purchase.pk)
    reason = (reason or "").strip()
    if not reason:
        raise CommerceError(
            _("Say why the money is given back."),
            field="reason",
            code=CommerceErrorCode.REASON_REQUIRED,
        )
    left = purchase.amount_captured - purchase_refunded(purchase)
    if (
        purchase.status != PurchaseStatus.SUCCEEDED
        or amount is None
        or amount <= 0
        or amount > left
    ):
        raise CommerceError(
            _("Refund between %(low)s and %(high)s.")
            % {
                "low": format_money(1 if left else 0, purchase.currency),
                "high": format_money(max(left, 0), purchase.currency),
            },
            field="amount",
            code=CommerceErrorCode.REFUND_INVALID,
        )
    if purchase.method == PurchaseMethod.CARD and not purchase.stripe_payment_intent_id:
        raise CommerceError(
            _("This payment can only be refunded in the clinic's Stripe dashboard."),
            field="amount",
            code=CommerceErrorCode.REFUND_INVALID,
        )
    n = purchase.refunds.count() + 1
    key = f"{purchase.idempotency_key}-refund-{n}"
    refund = PurchaseRefund.objects.create(
        purchase=purchase, amount=amount, idempotency_key=key, reason=reason[:300], actor=actor
    )
    if purchase.method == PurchaseMethod.CARD:
        result = charges.charge_refund(
            clinic=purchase.clinic,
            intent_id=purchase.stripe_payment_intent_id,
            amount=amount,
            key=key,
            metadata={"purchase_id": purchase.pk, "refund_id": refund.pk},
        )
        refund.stripe_refund_id = result.id
        PurchaseRefund.objects.filter(pk=refund.pk).update(stripe_refund_id=result.id)
    if amount == left and purchase.kind == "package":
        from commerce.packages.services import package_void_for_refund

        package_void_for_refund(purchase=purchase, actor=actor)
    if amount == left:  # all of it back: so are the points it earned
        transaction.on_commit(lambda: _queue("purchase_points_reverse", purchase.pk))
    return refund
