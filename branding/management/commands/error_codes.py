from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand

from branding.error_docs import error_codes_markdown, with_error_codes


class Command(BaseCommand):
    help = "Print the table of API error codes, or --write it into docs/api.md."

    def add_arguments(self, parser):
        parser.add_argument("--write", action="store_true", help="update docs/api.md")

    def handle(self, *args, write=False, **options):
        if not write:
            self.stdout.write(error_codes_markdown())
            return
        doc = Path(settings.BASE_DIR) / "docs" / "api.md"
        doc.write_text(with_error_codes(doc.read_text()))
        self.stdout.write(f"Wrote the error codes into {doc}.")
