"""django-q2 entry points of commerce: they take ids, are idempotent, and are queued
after commit (``queue``)."""

from django.conf import settings


def queue(name, *args):
    from django_q.tasks import async_task

    async_task(
        f"commerce.tasks.{name}",
        *args,
        task_name=f"commerce-{name}-{'-'.join(map(str, args))}",
        sync=settings.Q_CLUSTER.get("sync"),
    )


def email_purchase_receipt(purchase_id):
    from commerce.models import Purchase
    from commerce.receipts import purchase_receipt_email

    purchase_receipt_email(purchase=Purchase.objects.get(pk=purchase_id))


def package_booking_cancelled(booking_id, event_id):
    from commerce.packages.services import package_session_after_cancel

    package_session_after_cancel(booking_id=booking_id, event_id=event_id)


def package_booking_no_show(booking_id):
    from commerce.packages.services import package_session_after_no_show

    package_session_after_no_show(booking_id=booking_id)


def deliver_gift_card(card_id):
    from commerce.giftcards.services import gift_card_deliver

    gift_card_deliver(card_id=card_id)


def deliver_due_gift_cards():
    """django-q2 schedule (every 15 minutes, migration 0001): email the gift cards whose
    delivery day has come."""
    from commerce.giftcards.services import gift_cards_deliver_due

    return gift_cards_deliver_due()


def gift_card_booking_cancelled(booking_id):
    from commerce.giftcards.services import gift_card_after_cancel

    gift_card_after_cancel(booking_id=booking_id)


def charge_due_installments():
    """django-q2 schedule (hourly, migration 0003): charge the installments that are due,
    retry declined ones whose day has come, finish attempts a dead worker left."""
    from commerce.installments.services import installments_charge_due

    return installments_charge_due()


def purchase_points(purchase_id):
    """A paid purchase's loyalty points, once (``loyalty.earning.points_for_purchase``)."""
    from commerce.models import Purchase
    from loyalty.earning import points_for_purchase

    purchase = Purchase.objects.select_related("clinic", "client").get(pk=purchase_id)
    if purchase.is_paid:
        points_for_purchase(
            clinic=purchase.clinic,
            client=purchase.client,
            purchase_key=f"purchase-{purchase.pk}",
            paid=purchase.amount_captured,
            currency=purchase.currency,
            label=purchase.description,
        )


def purchase_points_reverse(purchase_id):
    """All of a purchase went back: so do its points, once."""
    from loyalty.earning import purchase_points_reverse

    purchase_points_reverse(purchase_key=f"purchase-{purchase_id}", reason="Refunded purchase")


def order_tell(order_id, step):
    from commerce.orders.notices import order_tell

    order_tell(order_id=order_id, step=step)


def membership_booking_cancelled(booking_id):
    from commerce.memberships.credits import membership_credit_after_cancel

    membership_credit_after_cancel(booking_id=booking_id)


def expire_unpaid_orders():
    """django-q2 schedule (every 5 minutes, migration 0006): cancel orders left unpaid
    for 30 minutes, their stock given back (``commerce.orders.unpaid``)."""
    from commerce.orders.unpaid import orders_expire_unpaid

    return orders_expire_unpaid()


def email_desk_receipt(checkout_id):
    from commerce.desk.receipts import desk_receipt_email

    desk_receipt_email(checkout_id=checkout_id)
