"""Signals other apps listen to, so they can follow money without payments importing
them (loyalty reverses the points of a refunded completed booking…).

``refund_succeeded`` is sent after the refund is committed (``transaction.on_commit``),
once per refund that Stripe accepted, with:

- ``refund``: the ``payments.models.Refund`` row (``amount`` in minor units,
  ``payment`` → ``Payment`` with ``currency``, ``kind``, ``amount_captured``);
- ``booking``: the ``booking_api.models.Booking`` it belongs to, as it is after the
  refund (``status`` may be ``refunded`` when everything captured went back).

Receivers must be quick and idempotent (key their own writes on ``refund.pk``, e.g.
``refund-<id>-reverse``): a retried task may send the signal again for the same refund.
Slow work belongs in the receiver's own django-q2 task.
"""

from django.dispatch import Signal

refund_succeeded = Signal()
