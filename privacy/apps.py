from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PrivacyConfig(AppConfig):
    """Export, erasure and consent records. Sits beside ``reports``: above every app
    whose data it gathers, which each offer their part through a ``privacy_parts``
    module (``privacy.registry``)."""

    name = "privacy"
    verbose_name = _("Privacy")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from privacy import receivers, registry
        from privacy.selectors import photo_use_consented
        from records.files.consent import register_photo_consent_source

        registry.discover_parts()
        receivers.connect()
        # Staff's clinical photos need the client's photo-use consent (or one on paper).
        register_photo_consent_source(photo_use_consented)
