from django.apps import AppConfig


class PaymentsConfig(AppConfig):
    """Stripe payments, refunds and receipts."""

    name = "payments"
    verbose_name = "Payments"

    def ready(self):
        from payments import receivers

        receivers.connect()
