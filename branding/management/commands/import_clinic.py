from django.core.management.base import BaseCommand, CommandError

from branding.importing import ImportFileError, import_clinic_file


class Command(BaseCommand):
    help = (
        "Create or update one clinic from a YAML or JSON file. Idempotent; an invalid file "
        "is refused as a whole, naming each key path at fault, and nothing is written."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="path to the clinic file (.yaml, .yml or .json)")

    def handle(self, *args, file, **options):
        try:
            ctx = import_clinic_file(file)
        except ImportFileError as exc:
            raise CommandError(f"{file} was not imported:\n{exc.message}") from exc
        details = ", ".join(f"{label}: {n}" for label, n in sorted(ctx.summary.items()))
        self.stdout.write(
            self.style.SUCCESS(
                f"Imported {ctx.clinic.name} ({ctx.clinic.site.hostname}). {details}"
            )
        )
