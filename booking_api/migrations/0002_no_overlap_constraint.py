"""On PostgreSQL, make overlapping bookings impossible in the database itself: an
exclusion constraint over each staff member's blocked intervals, for the statuses that
take time. (SQLite has no such constraint; there booking_create re-checks inside an
IMMEDIATE transaction, which serialises writers.)"""

from django.db import migrations

BLOCKING = "('pending_payment','booked','confirmed','started','completed','no_show')"


def add_constraint(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS btree_gist")
    schema_editor.execute(
        "ALTER TABLE booking_api_booking ADD CONSTRAINT booking_no_overlap "
        "EXCLUDE USING gist (staff_id WITH =, "
        "tstzrange(blocked_start, blocked_end, '[)') WITH &&) "
        f"WHERE (status IN {BLOCKING})"
    )


def drop_constraint(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(
        "ALTER TABLE booking_api_booking DROP CONSTRAINT IF EXISTS booking_no_overlap")


class Migration(migrations.Migration):
    dependencies = [("booking_api", "0001_initial")]

    operations = [migrations.RunPython(add_constraint, drop_constraint)]
