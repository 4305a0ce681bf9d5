from django.apps import AppConfig


class BrandingConfig(AppConfig):
    """The clinic itself: tenancy, locations, branding, feature toggles, booking policy."""

    name = "branding"
    verbose_name = "Branding and tenancy"

    def ready(self):
        from branding import (
            groups_on_migrate,
            hosts,
            import_sections,
            privacy,
            url_converters,
            web_apps,
        )

        groups_on_migrate.connect()

        hosts.connect()
        import_sections.register()
        privacy.connect()
        url_converters.register()
        web_apps.connect()
