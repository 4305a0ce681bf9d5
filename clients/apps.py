from django.apps import AppConfig


class ClientsConfig(AppConfig):
    """People: users, client accounts, staff roles."""

    name = "clients"
    verbose_name = "Clients"

    def ready(self):
        from clients import import_sections

        import_sections.register()

        from clients import receivers

        receivers.connect()
