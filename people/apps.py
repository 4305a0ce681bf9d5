from django.apps import AppConfig


class PeopleConfig(AppConfig):
    """People: users, client accounts, team memberships and roles, tags, search, audit log.

    The app label stays ``clients`` (its name before the split): every table, permission,
    content type and ``AUTH_USER_MODEL = "clients.User"`` keep their names, so no row moves.
    """

    name = "people"
    label = "clients"
    verbose_name = "People"

    def ready(self):
        from people import import_sections

        import_sections.register()

        from people import receivers

        receivers.connect()

        # The Django admin signs in through people.signin too (its limit, its rules).
        from django.contrib import admin

        from people.admin.login import DjangoAdminLoginForm

        admin.site.login_form = DjangoAdminLoginForm
