"""Create or update the booking app's django-q2 schedules. Idempotent: run it on every
deploy (``make demo`` runs it after migrating)."""

from django.core.management.base import BaseCommand
from django.db import transaction

# name → (task, every N minutes)
SCHEDULES = {
    "booking_api: send due reminders": ("booking_api.tasks.send_due_reminders", 1),
    # Also made by migration 0007 (a deploy that skips this command still frees them).
    "booking_api: release unconfirmed guest holds": (
        "booking_api.tasks.release_unverified_holds",
        1,
    ),
}


def ensure_schedules() -> list[str]:
    """Make each schedule exist exactly once with the wanted task and interval. Returns
    the names created or changed."""
    from django_q.models import Schedule

    changed = []
    with transaction.atomic():
        for name, (func, minutes) in SCHEDULES.items():
            wanted = {
                "func": func,
                "schedule_type": Schedule.MINUTES,
                "minutes": minutes,
                "repeats": -1,
            }
            schedule = Schedule.objects.filter(name=name).order_by("pk").first()
            if schedule is None:
                Schedule.objects.create(name=name, **wanted)
                changed.append(name)
                continue
            Schedule.objects.filter(name=name).exclude(pk=schedule.pk).delete()
            if any(getattr(schedule, field) != value for field, value in wanted.items()):
                for field, value in wanted.items():
                    setattr(schedule, field, value)
                schedule.save()
                changed.append(name)
    return changed


class Command(BaseCommand):
    help = "Create or update the booking app's periodic tasks (reminders, guest holds)."

    def handle(self, *args, **options):
        changed = ensure_schedules()
        for name in SCHEDULES:
            state = "updated" if name in changed else "up to date"
            self.stdout.write(f"{name}: {state}")
