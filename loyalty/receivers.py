"""Signal receivers: each hands over to a loyalty task after the sender's commit."""

from django.db import transaction

from booking_api.lifecycle import BookingStatus
from loyalty.tasks import queue


def _booking_completed(sender, booking_id, **kwargs):
    transaction.on_commit(
        lambda: queue(
            "loyalty.tasks.booking_completed", booking_id, name=f"loyalty-booking-{booking_id}"
        )
    )


def _booking_refunded(sender, booking_id, **kwargs):
    _queue_reversal(booking_id)


def _refund_succeeded(sender, refund, booking, **kwargs):
    # A partial refund of a completed visit also takes its points back: the visit's
    # points are one entry, and the ledger has no partial reversal.
    if booking is not None and booking.status in (BookingStatus.COMPLETED, BookingStatus.REFUNDED):
        _queue_reversal(booking.pk)


def _queue_reversal(booking_id):
    transaction.on_commit(
        lambda: queue(
            "loyalty.tasks.booking_refunded", booking_id, name=f"loyalty-refund-{booking_id}"
        )
    )


def _feedback_submitted(sender, feedback, **kwargs):
    # Called after the answer's commit; the ledger's idempotency key makes it once.
    queue("loyalty.tasks.review_submitted", feedback.pk, name=f"loyalty-review-{feedback.pk}")


def _signed_up_or_in(sender, request, user, **kwargs):
    from loyalty.referrals.claims import referral_claim_from_session

    referral_claim_from_session(request, user)


def connect():
    # Django's own user_logged_in covers every sign-in: allauth's, and the booking
    # wizard's sign-in of a new client who booked as a guest.
    from allauth.account.signals import user_signed_up
    from django.contrib.auth.signals import user_logged_in

    from booking_api.signals import booking_completed, booking_refunded
    from payments.signals import refund_succeeded
    from records.signals import feedback_submitted

    booking_completed.connect(_booking_completed, dispatch_uid="loyalty.booking_completed")
    booking_refunded.connect(_booking_refunded, dispatch_uid="loyalty.booking_refunded")
    refund_succeeded.connect(_refund_succeeded, dispatch_uid="loyalty.refund_succeeded")
    feedback_submitted.connect(_feedback_submitted, dispatch_uid="loyalty.review_points")
    user_signed_up.connect(_signed_up_or_in, dispatch_uid="loyalty.referral_signup")
    user_logged_in.connect(_signed_up_or_in, dispatch_uid="loyalty.referral_login")
