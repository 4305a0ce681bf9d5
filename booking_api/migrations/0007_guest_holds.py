"""Guest holds (issue 18 #7): the ``unverified`` status, which takes its time like a
payment hold — so PostgreSQL's no-overlap exclusion constraint (0002) is rebuilt with it
— and the schedule that frees the holds nobody confirmed."""

from django.db import migrations, models

OLD_BLOCKING = "('pending_payment','booked','confirmed','started','completed','no_show')"
NEW_BLOCKING = (
    "('unverified','pending_payment','booked','confirmed','started','completed','no_show')"
)
SCHEDULE = "booking_api: release unconfirmed guest holds"
TASK = "booking_api.tasks.release_unverified_holds"


def _constraint(schema_editor, blocking):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(
        "ALTER TABLE booking_api_booking DROP CONSTRAINT IF EXISTS booking_no_overlap"
    )
    schema_editor.execute(
        "ALTER TABLE booking_api_booking ADD CONSTRAINT booking_no_overlap "
        "EXCLUDE USING gist (staff_id WITH =, "
        "tstzrange(blocked_start, blocked_end, '[)') WITH &&) "
        f"WHERE (status IN {blocking})"
    )


def constraint_forwards(apps, schema_editor):
    _constraint(schema_editor, NEW_BLOCKING)


def constraint_backwards(apps, schema_editor):
    _constraint(schema_editor, OLD_BLOCKING)


def schedule_create(apps, schema_editor):
    apps.get_model("django_q", "Schedule").objects.update_or_create(
        name=SCHEDULE,
        defaults={"func": TASK, "schedule_type": "I", "minutes": 1, "repeats": -1},
    )


def schedule_delete(apps, schema_editor):
    apps.get_model("django_q", "Schedule").objects.filter(name=SCHEDULE).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("booking_api", "0006_booking_event_fee_columns"),
        ("django_q", "0019_alter_task_options_alter_ormq_key_alter_ormq_lock_and_more"),
    ]

    operations = [
        migrations.AlterField(
            model_name="booking",
            name="status",
            field=models.CharField(
                choices=[
                    ("unverified", "Awaiting the client's confirmation"),
                    ("pending_payment", "Awaiting payment"),
                    ("booked", "Booked"),
                    ("confirmed", "Confirmed"),
                    ("started", "Started"),
                    ("completed", "Completed"),
                    ("cancelled", "Cancelled"),
                    ("refunded", "Refunded"),
                    ("no_show", "No-show"),
                ],
                default="booked",
                max_length=16,
                verbose_name="status",
            ),
        ),
        migrations.RunPython(constraint_forwards, constraint_backwards),
        migrations.RunPython(schedule_create, schedule_delete),
    ]
