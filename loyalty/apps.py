from django.apps import AppConfig


class LoyaltyConfig(AppConfig):
    """Points, rewards, referrals and games."""

    name = "loyalty"
    verbose_name = "Loyalty"

    def ready(self):
        from loyalty import import_sections, receivers
        from loyalty.games import import_sections as game_import
        from loyalty.rewards import checkout
        from payments.discounts import register_discount_provider

        receivers.connect()
        import_sections.register()
        # Reward vouchers at checkout: the patient picks one, payments asks us.
        register_discount_provider(checkout)
        game_import.register()
