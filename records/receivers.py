"""Signal receivers of the records app: each only hands over to a task or service."""


def _booking_completed(sender, booking_id, **kwargs):
    # After a completed visit: the post-visit survey, in its own task.
    from records.tasks import queue_survey

    queue_survey(booking_id)


def connect():
    from booking_api.signals import booking_completed

    # The dispatch_uid is the one it had under clients, so it stays connected once.
    booking_completed.connect(_booking_completed, dispatch_uid="clients.survey_after_visit")
