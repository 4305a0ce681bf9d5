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


def membership_booking_cancelled(booking_id):
    from commerce.memberships.credits import membership_credit_after_cancel

    membership_credit_after_cancel(booking_id=booking_id)
