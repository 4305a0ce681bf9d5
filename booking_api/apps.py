from django.apps import AppConfig


class BookingApiConfig(AppConfig):
    """Services, staff schedules, availability and bookings."""

    name = "booking_api"
    verbose_name = "Booking"

    def ready(self):
        from booking_api import import_sections

        import_sections.register()
