"""A reason on bookings staff made outside the offered times or over another booking.
PostgreSQL's no-overlap exclusion constraint (0002, rebuilt in 0007 and 0009) now skips
those deliberately overridden bookings, and only those: ordinary bookings still can never
overlap (each other, and the engine never offers a time an overridden one takes)."""

from django.db import migrations, models

BLOCKING = (
    "('unverified','pending_payment','booked','confirmed','arrived','started','completed',"
    "'no_show')"
)


def _constraint(schema_editor, where):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(
        "ALTER TABLE booking_api_booking DROP CONSTRAINT IF EXISTS booking_no_overlap"
    )
    schema_editor.execute(
        "ALTER TABLE booking_api_booking ADD CONSTRAINT booking_no_overlap "
        "EXCLUDE USING gist (staff_id WITH =, "
        "tstzrange(blocked_start, blocked_end, '[)') WITH &&) "
        f"WHERE ({where})"
    )


def constraint_forwards(apps, schema_editor):
    _constraint(schema_editor, f"status IN {BLOCKING} AND override_reason = ''")


def constraint_backwards(apps, schema_editor):
    # Refused while overridden bookings overlap others: cancel or move them first.
    _constraint(schema_editor, f"status IN {BLOCKING}")



class Migration(migrations.Migration):

    dependencies = [
        ('booking_api', '0012_session_notes_to_treatment_records'),
    ]

    operations = [
        migrations.AddField(
            model_name='booking',
            name='override_reason',
            field=models.CharField(blank=True, max_length=500, verbose_name='override reason'),
        ),
        migrations.RunPython(constraint_forwards, constraint_backwards),
    ]
