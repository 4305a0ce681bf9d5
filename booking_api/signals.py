"""Named events other apps listen to, so they can follow the booking lifecycle without
booking_api importing them (payments refunds a cancellation, loyalty earns on
completion, the post-visit survey…).

Each is sent from the booking side-effects task, i.e. after the change is committed
(``transaction.on_commit`` → ``booking_api.tasks.booking_changed``), with:

- ``booking``: the booking as it is now, and ``booking_id``;
- ``what``: "created", "rescheduled" or the new status;
- ``actor_id``: the user who made the change, or None (the client through a signed link,
  or the system);
- ``event_id``: the ``BookingEvent`` recording the change (None for a change made
  before events carried it);
- and for ``booking_cancelled`` and ``booking_no_show``: ``fee`` (minor units, the
  policy's fee decided by the transition, 0 for none); for ``booking_cancelled`` also
  ``refund_decided`` (the refund staff chose, minor units, or None: the policy decides)
  and ``from_status``; for ``booking_rescheduled``: ``previous_start`` (ISO 8601).

The task may run more than once for one change, so receivers must be idempotent; they
should be quick and queue their own django-q2 task for slow work.
"""

from django.dispatch import Signal

booking_created = Signal()
booking_rescheduled = Signal()
booking_confirmed = Signal()  # booked after payment, or confirmed by staff
booking_arrived = Signal()  # checked in: the client is at the desk
booking_started = Signal()
booking_completed = Signal()
booking_cancelled = Signal()
booking_no_show = Signal()
booking_refunded = Signal()

# Every change, with the same arguments, for code that follows all of them (tests, the
# audit of the lifecycle). No app listens to it: apps use the named events above.
booking_changed = Signal()

NAMED = {
    "booking_created": booking_created,
    "booking_rescheduled": booking_rescheduled,
    "booking_confirmed": booking_confirmed,
    "booking_arrived": booking_arrived,
    "booking_started": booking_started,
    "booking_completed": booking_completed,
    "booking_cancelled": booking_cancelled,
    "booking_no_show": booking_no_show,
    "booking_refunded": booking_refunded,
}
