from django.apps import AppConfig


class CommerceConfig(AppConfig):
    """What patients buy besides a single appointment: packages (and their sessions at
    booking), gift cards (spent at a booking's checkout), orders of products and refills,
    memberships (Stripe subscriptions: a member's price and credits at booking), the
    purchases behind them."""

    name = "commerce"
    verbose_name = "Commerce"

    def ready(self):
        from booking_api.appointment_extras import register_appointment_panel
        from booking_api.availability.horizon import register_horizon_provider
        from booking_api.coverage import register_cover_provider
        from booking_api.pricing import register_price_provider
        from branding.services import register_manager_setting
        from commerce import import_sections, receivers
        from commerce.balance import purchase_lines
        from commerce.desk.appointment import appointment_checkout_panel
        from commerce.giftcards import checkout as gift_cards_at_checkout
        from commerce.memberships import cover as membership_cover
        from commerce.memberships.services import membership_stripe_event
        from commerce.models import InstallmentSettings
        from commerce.packages import cover
        from commerce.purchases import PURPOSE, purchase_intent_webhook
        from payments.balance_lines import register_balance_source
        from payments.charges import register_event_handler, register_intent_handler
        from payments.discounts import register_discount_provider

        # Managers turn installments on and set them, like the clinic's other settings.
        register_manager_setting(InstallmentSettings)
        receivers.connect()
        import_sections.register()
        register_cover_provider(cover)
        register_cover_provider(membership_cover)
        register_price_provider(membership_cover.member_price)
        register_horizon_provider(membership_cover.member_horizon)
        # Stripe's invoice and subscription events (verified, recorded once by payments).
        register_event_handler("invoice.", membership_stripe_event)
        register_event_handler("customer.subscription.", membership_stripe_event)
        # Gift cards pay at a booking's checkout: the patient types the code.
        register_discount_provider(gift_cards_at_checkout)
        register_intent_handler(PURPOSE, purchase_intent_webhook)
        # The desk checkout's button on the staff appointment page.
        register_appointment_panel(appointment_checkout_panel)
        # Every purchase on the client's Balance tab, with its receipt.
        register_balance_source(purchase_lines)
