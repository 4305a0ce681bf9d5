from django.db import migrations, models


def blank_to_null(apps, schema_editor):
    # A person without an address is NULL (any number fit the unique constraint), never "".
    apps.get_model("clients", "User").objects.filter(email="").update(email=None)


class Migration(migrations.Migration):
    dependencies = [
        ("clients", "0013_audit_log_append_only_trigger"),
    ]

    operations = [
        migrations.AlterField(
            model_name="user",
            name="email",
            field=models.EmailField(
                blank=True, max_length=254, null=True, unique=True, verbose_name="email address"
            ),
        ),
        migrations.RunPython(blank_to_null, migrations.RunPython.noop),
    ]
