from django.apps import AppConfig


class SyncConfig(AppConfig):
    """The practice-system sync: the clinic's own practice system stays the source of
    truth (docs/sync.md)."""

    name = "sync"
    verbose_name = "Practice-system sync"

    def ready(self):
        from booking_api.availability.external import register_busy_source
        from booking_api.services.reminders import register_reminder_veto
        from people.freshness import register_last_synced_source
        from sync import receivers  # noqa: F401
        from sync.selectors import (
            booking_is_for_deceased_pet,
            clinic_last_synced,
            practice_appointments_busy,
        )

        register_busy_source(practice_appointments_busy)
        register_reminder_veto(booking_is_for_deceased_pet)
        register_last_synced_source(clinic_last_synced)
