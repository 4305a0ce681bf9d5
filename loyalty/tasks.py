"""django-q2 entry points of loyalty. They take ids and are idempotent: each write is
keyed, so a task that runs twice posts once."""

from django.conf import settings


def queue(func, *args, name):
    from django_q.tasks import async_task

    async_task(func, *args, task_name=name, sync=settings.Q_CLUSTER.get("sync"))


def booking_completed(booking_id):
    """A visit was completed: its points, and the referral reward if it is a referred
    client's first."""
    from loyalty.referrals.services import referral_reward_for_booking
    from loyalty.services import points_for_completed_booking

    points_for_completed_booking(booking_id)
    referral_reward_for_booking(booking_id)


def review_submitted(feedback_id):
    """A client rated a visit: the programme's points for a review, once per answer."""
    from loyalty.earning import points_for_review
    from records.models import Feedback

    feedback = Feedback.objects.filter(pk=feedback_id).select_related("clinic", "client").first()
    if feedback is not None:
        points_for_review(
            clinic=feedback.clinic, client=feedback.client, review_key=f"feedback-{feedback.pk}"
        )


def booking_refunded(booking_id):
    """Money went back for a booking: take back the points its visit earned."""
    from loyalty.earning import booking_points_reverse

    booking_points_reverse(booking_id=booking_id, reason="Refunded visit")


def daily():
    """django-q2 schedule (daily, migration 0004): expire old points and vouchers,
    give birthday bonuses."""
    from loyalty.earning import birthday_bonuses_award, points_expire_due
    from loyalty.rewards.services import vouchers_expire

    return {
        "expired": points_expire_due(),
        "vouchers_expired": vouchers_expire(),
        "birthdays": birthday_bonuses_award(),
    }
