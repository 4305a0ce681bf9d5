"""The app's code moved from the ``clients`` package to ``people`` (the label stays
``clients``): scheduled jobs name their function by import path, so follow it."""

from django.db import migrations


def forwards(apps, schema_editor):
    Schedule = apps.get_model("django_q", "Schedule")
    for schedule in Schedule.objects.filter(func__startswith="clients.tasks."):
        schedule.func = "people.tasks." + schedule.func.removeprefix("clients.tasks.")
        schedule.save(update_fields=["func"])


def backwards(apps, schema_editor):
    Schedule = apps.get_model("django_q", "Schedule")
    for schedule in Schedule.objects.filter(func__startswith="people.tasks."):
        schedule.func = "clients.tasks." + schedule.func.removeprefix("people.tasks.")
        schedule.save(update_fields=["func"])


class Migration(migrations.Migration):
    dependencies = [("clients", "0005_client_search_notes_deactivation")]

    operations = [migrations.RunPython(forwards, backwards)]
