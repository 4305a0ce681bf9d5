from django.apps import AppConfig


class LoyaltyConfig(AppConfig):
    """Points, rewards, referrals and games."""

    name = "loyalty"
    verbose_name = "Loyalty"

    def ready(self):
        from loyalty import receivers

        receivers.connect()
