from django.apps import AppConfig


class BrandingConfig(AppConfig):
    """The clinic itself: tenancy, locations, branding, feature toggles, booking policy."""

    name = "branding"
    verbose_name = "Branding and tenancy"

    def ready(self):
        from branding import hosts, import_sections, privacy, url_converters, web_apps

        hosts.connect()
        import_sections.register()
        privacy.connect()
        url_converters.register()
        web_apps.connect()
