"""Signal receivers: each only hands over to a service."""

from allauth.account.signals import password_reset

from clients.services import email_mark_verified


def _password_reset(sender, request, user, **kwargs):
    # A reset (or invitation) link reached the person's inbox: the address is theirs.
    email_mark_verified(user=user)


def connect():
    password_reset.connect(_password_reset, dispatch_uid="clients.password_reset_verifies")
