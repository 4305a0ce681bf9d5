from django.apps import AppConfig


class PortalPagesConfig(AppConfig):
    """Wagtail page types and views of the patient portal."""

    name = "portal_pages"
    verbose_name = "Patient portal"
