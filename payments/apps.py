from django.apps import AppConfig


class PaymentsConfig(AppConfig):
    """Stripe payments, refunds and receipts."""

    name = "payments"
    verbose_name = "Payments"

    def ready(self):
        from booking_api.appointment_extras import (
            register_appointment_panel,
            register_cancel_page,
        )
        from booking_api.services import register_paid_provider
        from booking_api.services.messages import register_money_lines
        from payments import receivers
        from payments.appointment_panel import appointment_money_panel, cancel_page
        from payments.selectors import confirmation_money_lines, paid_for_visit

        receivers.connect()
        register_paid_provider(paid_for_visit)
        register_money_lines(confirmation_money_lines)
        register_appointment_panel(appointment_money_panel)
        register_cancel_page(cancel_page)
