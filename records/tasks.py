"""django-q2 entry points of the records app. They take ids and are idempotent.

Scheduled jobs name these by import path: moving one means a migration updating its
``Schedule.func`` (see ``records/migrations/0002_content_types_and_schedules.py``)."""

from django.conf import settings


def queue_survey(booking_id):
    from django_q.tasks import async_task

    async_task(
        "records.tasks.send_survey",
        booking_id,
        task_name=f"survey-{booking_id}",
        sync=settings.Q_CLUSTER.get("sync"),
    )


def send_survey(booking_id):
    """The post-visit survey for a completed booking (sent once, see survey_invite)."""
    from records.feedback.services import survey_invite

    return survey_invite(booking_id=booking_id)


def send_form_renewal_reminders():
    """django-q2 schedule (hourly, created by migration clients 0006,
    moved here by records 0002): remind clients
    whose signed forms are due for renewal, once per signed form."""
    from records.documents.services import form_renewal_reminders_send

    return form_renewal_reminders_send()
