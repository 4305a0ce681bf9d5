"""Signal receivers: each only hands over to a service."""

from allauth.account.signals import password_reset
from django.contrib.auth import get_user_model
from django.db.models.signals import post_delete, post_save

from notifications.app_push import app_devices_forget
from people.models import DeviceToken
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


def _device_token_deleted(sender, instance, **kwargs):
    # An app's sign-in ended, however (signed out here or from another device, all
    # devices, a password change, lapsed): the phone's push registration goes with it.
    app_devices_forget(signin=instance.digest)


def connect():
    password_reset.connect(_password_reset, dispatch_uid="clients.password_reset_verifies")
    post_save.connect(
        _user_saved, sender=get_user_model(), dispatch_uid="clients.user_saved_search_text"
    )
    post_delete.connect(
        _device_token_deleted, sender=DeviceToken, dispatch_uid="clients.device_token_push"
    )
