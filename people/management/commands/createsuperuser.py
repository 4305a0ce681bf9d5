"""Django's createsuperuser, and the new superuser's email address recorded as confirmed:
the operator typed it at the server, and every sign-in door (the admin's included)
refuses an unconfirmed address (``people.signin``)."""

from django.contrib.auth import get_user_model
from django.contrib.auth.management.commands import createsuperuser

from people.services import email_mark_verified


class Command(createsuperuser.Command):
    help = createsuperuser.Command.help + " Their email address is recorded as confirmed."

    def handle(self, *args, **options):
        users = get_user_model()._default_manager.db_manager(options["database"])
        before = set(users.filter(is_superuser=True).values_list("pk", flat=True))
        super().handle(*args, **options)
        for user in users.filter(is_superuser=True).exclude(pk__in=before):
            email_mark_verified(user=user)
