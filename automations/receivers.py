"""What the automations app plugs into the apps below it, from ``AppConfig.ready``."""


def connect():
    from automations.services import reminder_settings_provider
    from booking_api.reminder_settings import register_reminder_settings

    # Appointment reminders: booking_api asks us for the clinic's offsets and channels.
    register_reminder_settings(reminder_settings_provider)
