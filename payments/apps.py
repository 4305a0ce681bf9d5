from django.apps import AppConfig


class PaymentsConfig(AppConfig):
    """Stripe payments, refunds and receipts."""

    name = "payments"
    verbose_name = "Payments"

    def ready(self):
        from booking_api.services import register_paid_provider
        from payments import receivers
        from payments.selectors import paid_for_visit

        receivers.connect()
        register_paid_provider(paid_for_visit)
