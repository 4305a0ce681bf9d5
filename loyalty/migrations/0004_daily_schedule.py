"""The nightly loyalty job (points and voucher expiry, birthday bonuses) as a django-q2
schedule, made by migrating so every deployment has it."""

from django.db import migrations

NAME = "loyalty: daily (expiry, birthdays)"


def create(apps, schema_editor):
    Schedule = apps.get_model("django_q", "Schedule")
    Schedule.objects.update_or_create(
        name=NAME,
        defaults={"func": "loyalty.tasks.daily", "schedule_type": "D", "repeats": -1},
    )


def remove(apps, schema_editor):
    apps.get_model("django_q", "Schedule").objects.filter(name=NAME).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("loyalty", "0003_rewards_tiers_referrals_earn_rules"),
        ("django_q", "0019_alter_task_options_alter_ormq_key_alter_ormq_lock_and_more"),
    ]

    operations = [migrations.RunPython(create, remove)]
