"""Record a person's email address as confirmed, from the server: for an admin made
before sign-in required a confirmed address (``people.signin``), or whose mail cannot
reach them yet. ``manage.py confirm_email someone@example.com``."""

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from people.services import email_mark_verified


class Command(BaseCommand):
    help = "Record a person's email address as confirmed (sign-in requires it)."

    def add_arguments(self, parser):
        parser.add_argument("email")

    def handle(self, *args, email, **options):
        user = get_user_model().objects.filter(email__iexact=email.strip()).first()
        if user is None:
            raise CommandError(f"Nobody has the email address {email}.")
        email_mark_verified(user=user)
        self.stdout.write(f"{user.email}: confirmed")
