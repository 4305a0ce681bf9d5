from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand

from notifications.push import vapid_keys_ensure, vapid_public_key


class Command(BaseCommand):
    help = (
        "Create the VAPID key web push is signed with, at the configured path, unless it "
        "exists (the demo's first run). In production set VAPID_PRIVATE_KEY_PATH instead."
    )

    def handle(self, *args, **options):
        path = Path(settings.PUSH_NOTIFICATIONS_SETTINGS["WP_PRIVATE_KEY"])
        created = vapid_keys_ensure(path)
        verb = "Created" if created else "Kept"
        self.stdout.write(f"{verb} the VAPID key at {path}; public key {vapid_public_key()}")
