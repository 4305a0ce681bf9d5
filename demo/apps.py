from django.apps import AppConfig


class DemoConfig(AppConfig):
    """The demo: ``manage.py seed_demo`` imports the clinic files beside this module and adds
    people who can sign in. It sits on top of every app (it uses them all); nothing imports it."""

    name = "demo"
    verbose_name = "Demo data"
