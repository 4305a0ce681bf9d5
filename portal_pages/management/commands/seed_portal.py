"""Give every clinic's portal home page a starter set of dashboard cards and a policy
page (`make demo` runs it after seed_demo). Pages that already have cards, and portals
that have a policy page, are left alone: safe to run again, never undoes a manager's
work."""

from django.core.management.base import BaseCommand

from branding.models import Clinic
from portal_pages.services import dashboard_cards_seed, policy_page_seed


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
            _, created = policy_page_seed(clinic=clinic)
            if created:
                state += ", policy page added"
            self.stdout.write(f"  {clinic.name:<24} {state}")
