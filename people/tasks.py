"""django-q2 entry points of the people app. They take ids and are idempotent."""

from django.conf import settings


def queue_survey(booking_id):
    from django_q.tasks import async_task

    async_task(
        "people.tasks.send_survey",
        booking_id,
        task_name=f"survey-{booking_id}",
        sync=settings.Q_CLUSTER.get("sync"),
    )


def send_survey(booking_id):
    """The post-visit survey for a completed booking (sent once, see survey_invite)."""
    from people.feedback.services import survey_invite

    return survey_invite(booking_id=booking_id)


def send_form_renewal_reminders():
    """django-q2 schedule (hourly, created by migration clients 0006): remind clients
    whose signed forms are due for renewal, once per signed form."""
    from people.documents.services import form_renewal_reminders_send

    return form_renewal_reminders_send()
