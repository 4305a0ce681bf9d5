# knox's own migrations create its AuthToken table even though this project swaps the
# model for people.DeviceToken (KNOX_TOKEN_MODEL). The table is never used, but its
# foreign key to clients_user makes PostgreSQL refuse to truncate the users table (a
# test flush), so it goes.
from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("clients", "0011_device_tokens"),
        ("knox", "0009_extend_authtoken_field"),
    ]

    operations = [
        migrations.RunSQL("DROP TABLE IF EXISTS knox_authtoken", migrations.RunSQL.noop),
    ]
