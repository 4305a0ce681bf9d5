"""Signal receivers of the records app: each only hands over to a task or service."""


def _booking_changed(sender, booking, what, **kwargs):
    # After a completed visit: the post-visit survey, in its own task.
    if what == "completed":
        from records.tasks import queue_survey

        queue_survey(booking.pk)


def connect():
    from booking_api.signals import booking_changed

    # The dispatch_uid is the one it had under clients, so it stays connected once.
    booking_changed.connect(_booking_changed, dispatch_uid="clients.survey_after_visit")
