"""Signal receivers: each only hands over to a service."""

from allauth.account.signals import password_reset
from django.contrib.auth import get_user_model
from django.db.models.signals import post_save

from people.services import client_search_text_refresh, email_mark_verified


def _password_reset(sender, request, user, **kwargs):
    # A reset (or invitation) link reached the person's inbox: the address is theirs.
    email_mark_verified(user=user)


def _user_saved(sender, instance, created, update_fields=None, **kwargs):
    # A name or email changed anywhere (portal profile, import, admin): the person's
    # client accounts must still be found by it.
    if created or (
        update_fields is not None and not {"first_name", "last_name", "email"} & set(update_fields)
    ):
        return
    client_search_text_refresh(user=instance)


def _booking_changed(sender, booking, what, **kwargs):
    # After a completed visit: the post-visit survey, in its own task.
    if what == "completed":
        from people.tasks import queue_survey

        queue_survey(booking.pk)


def connect():
    password_reset.connect(_password_reset, dispatch_uid="clients.password_reset_verifies")
    # The one place clients listens to booking_api: a leaf module of signals only, looked
    # up here so that clients' modules never import booking_api.
    from booking_api.signals import booking_completed

    booking_completed.connect(_booking_changed, dispatch_uid="clients.survey_after_visit")
    post_save.connect(
        _user_saved, sender=get_user_model(), dispatch_uid="clients.user_saved_search_text"
    )
