"""django-q2 entry points of the payments app. They take ids, call services and are
idempotent; they are queued after commit (``payments.task_queue.queue``)."""


def process_webhook_event(record_id):
    from payments.services.webhooks import webhook_event_process

    return webhook_event_process(record_id=record_id)


def refund_late_payment(payment_id):
    from payments.services.refunds import refund_late_payment as run

    run(payment_id=payment_id)


def refund_cancelled_booking(booking_id):
    """Queued on ``booking_cancelled``: refund as the cancellation decided, once."""
    from payments.services.refunds import refund_for_cancellation

    refund_for_cancellation(booking_id=booking_id)


def close_cancelled_booking_payments(booking_id):
    """Queued on ``booking_cancelled``: cancel the booking's unpaid PaymentIntents at
    Stripe and give back the vouchers they reserved."""
    from payments.services.holds import cancelled_booking_payments_close

    cancelled_booking_payments_close(booking_id=booking_id)


def expire_holds():
    """Scheduled every minute: release the payment holds whose time has run out."""
    from payments.services.holds import holds_expire

    return holds_expire()


def reconcile():
    """Scheduled hourly: compare recent PaymentIntents with our payments and bookings."""
    from payments.services.reconciliation import payments_reconcile

    return payments_reconcile()


def email_payment_receipt(payment_id):
    """Queued after a payment succeeds: the receipt, once."""
    from payments.models import Payment
    from payments.receipts import receipt_email

    receipt_email(payment=Payment.objects.get(pk=payment_id))


def email_refund_receipt(refund_id):
    """Queued after a refund succeeds: its receipt, once."""
    from payments.models import Refund
    from payments.receipts import receipt_email

    refund = Refund.objects.select_related("payment").get(pk=refund_id)
    receipt_email(payment=refund.payment, refund=refund)
