"""Reads about feedback, clinic first."""

from django.db.models import Avg, Count

from records.models import Feedback


def client_average_rating(clinic, client):
    """The client's average post-visit rating here (one decimal) and how many ratings
    it is made of: ``(4.5, 2)``, or ``(None, 0)`` with none. One query."""
    result = Feedback.objects.filter(clinic=clinic, client=client).aggregate(
        average=Avg("rating"), count=Count("pk")
    )
    average = result["average"]
    return (round(average, 1) if average is not None else None), result["count"]


def clinic_feedback(clinic, *, open_only=False):
    """The clinic's feedback, newest first, with client, booking and service."""
    feedback = Feedback.objects.filter(clinic=clinic).select_related(
        "client__user", "booking__service", "booking__staff", "followed_up_by"
    )
    if open_only:
        feedback = feedback.filter(followed_up_at__isnull=True)
    return feedback


def feedback_for_booking(clinic, booking_id):
    return Feedback.objects.filter(clinic=clinic, booking_id=booking_id).first()
