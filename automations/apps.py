from django.apps import AppConfig


class AutomationsConfig(AppConfig):
    """Nudges that bring patients back, per-clinic reminders, two-way SMS."""

    name = "automations"
    verbose_name = "Automations"

    def ready(self):
        from automations import receivers

        receivers.connect()
