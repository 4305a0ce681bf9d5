"""Every write of the payments app, a module per job:

- ``checkout``: the PaymentIntent for what is due now on a held booking, confirmation;
- ``intents``: the one place a PaymentIntent's state reaches our rows;
- ``refunds``: refunds, the cancellation's refund (once, after ``booking_cancelled``),
  staff refunds and cancel-with-refund, the refund of a payment that came too late;
- ``webhooks``: Stripe webhooks, verified, recorded once, processed by a task;
- ``holds``: payment holds that run out, and the unpaid intents of a cancelled booking
  (cancelled at Stripe, their vouchers given back);
- ``reconciliation``: Stripe compared with our rows, repaired.

Card on file is ``payments.cards``; reads are ``payments.selectors``. The common writes
are re-exported here.
"""

from payments.services.checkout import (
    checkout_discount,
    checkout_start,
    payment_confirm,
    payment_refresh,
    payment_test_authenticate,
)
from payments.services.holds import (
    cancelled_booking_payments_close,
    hold_expire,
    holds_expire,
    payment_intent_cancel,
)
from payments.services.intents import payment_apply_intent
from payments.services.reconciliation import payments_reconcile
from payments.services.refunds import (
    booking_cancel_with_refund,
    booking_refund,
    refund_create,
    refund_for_cancellation,
    refund_late_payment,
)
from payments.services.webhooks import webhook_event_process, webhook_receive

__all__ = [
    "booking_cancel_with_refund",
    "booking_refund",
    "cancelled_booking_payments_close",
    "checkout_discount",
    "checkout_start",
    "hold_expire",
    "holds_expire",
    "payment_apply_intent",
    "payment_confirm",
    "payment_intent_cancel",
    "payment_refresh",
    "payment_test_authenticate",
    "payments_reconcile",
    "refund_create",
    "refund_for_cancellation",
    "refund_late_payment",
    "webhook_event_process",
    "webhook_receive",
]
