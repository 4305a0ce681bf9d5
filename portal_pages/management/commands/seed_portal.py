"""Give every clinic's portal home page a starter set of dashboard cards (`make demo`
runs it after seed_demo). Pages that already have cards are left alone, so it is safe to
run again and never undoes a manager's work."""

from django.core.management.base import BaseCommand

from branding.models import Clinic
from portal_pages.services import dashboard_cards_seed


class Command(BaseCommand):
    help = "Add the default dashboard cards to clinics whose home page has none."

    def add_arguments(self, parser):
        parser.add_argument("slugs", nargs="*", help="Only these clinics (default: all).")

    def handle(self, *args, slugs=(), **options):
        clinics = Clinic.objects.select_related("site__root_page").order_by("name")
        if slugs:
            clinics = clinics.filter(slug__in=slugs)
        for clinic in clinics:
            changed = dashboard_cards_seed(clinic=clinic)
            state = "cards added" if changed else "already has cards"
            self.stdout.write(f"  {clinic.name:<24} {state}")
