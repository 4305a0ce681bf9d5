from django.apps import AppConfig


class CommerceConfig(AppConfig):
    """What patients buy besides a single appointment: packages (and their sessions at
    booking), the purchases behind them."""

    name = "commerce"
    verbose_name = "Commerce"

    def ready(self):
        from booking_api.coverage import register_cover_provider
        from commerce import receivers
        from commerce.packages import cover
        from commerce.purchases import PURPOSE, purchase_intent_webhook
        from payments.charges import register_intent_handler

        receivers.connect()
        register_cover_provider(cover)
        register_intent_handler(PURPOSE, purchase_intent_webhook)
