"""django-q2 entry points of the booking app. They take ids and are idempotent."""

from django.conf import settings


def queue_booking_changed(booking_id, what, **extra):
    """Called after commit: hand the side effects of a booking change to the worker."""
    from django_q.tasks import async_task

    async_task(
        "booking_api.tasks.booking_changed",
        booking_id,
        what,
        extra,
        task_name=f"booking-{booking_id}-{what}",
        sync=settings.Q_CLUSTER.get("sync"),
    )


def booking_changed(booking_id, what, extra=None):
    """Messages, reminders and the waitlist after a booking changed."""
    from booking_api.services.side_effects import booking_side_effects

    booking_side_effects(booking_id=booking_id, what=what, extra=extra or {})


def send_due_reminders():
    """django-q2 schedule (every minute, see ``ensure_schedules``): send the reminders
    that are due. Safe to run twice or after a crash: each is sent once."""
    from booking_api.services.reminders import reminders_send_due

    return reminders_send_due()


def release_unverified_holds():
    """django-q2 schedule (every minute, migration 0007 and ``ensure_schedules``): free
    the slots of guest bookings nobody confirmed in time. Safe to run twice."""
    from booking_api.services import holds_release_unverified

    return holds_release_unverified()
