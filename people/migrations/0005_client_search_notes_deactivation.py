"""Client search, internal notes and deactivation.

``search_text`` is filled for existing accounts here and kept in step by the model
(clients/search.py). On PostgreSQL a GIN trigram index (pg_trgm) serves the substring
search; it is created only there (SQLite scans the column), so it is not part of the
model state.

(Numbered 0005 but applied after 0006: another app's migration already depends on this
name.)
"""

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models

TRGM_INDEX = "client_search_trgm"


def fill_search_text(apps, schema_editor):
    from people.search import search_text_for

    ClientAccount = apps.get_model("clients", "ClientAccount")
    batch = []
    for account in ClientAccount.objects.select_related("user").iterator(chunk_size=2000):
        user = account.user
        account.search_text = search_text_for(
            first_name=user.first_name,
            last_name=user.last_name,
            email=user.email,
            phone=account.phone,
        )
        batch.append(account)
        if len(batch) >= 2000:
            ClientAccount.objects.bulk_update(batch, ["search_text"])
            batch = []
    ClientAccount.objects.bulk_update(batch, ["search_text"])


def create_trigram_index(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    schema_editor.execute(
        f"CREATE INDEX IF NOT EXISTS {TRGM_INDEX} ON clients_clientaccount "
        "USING gin (search_text gin_trgm_ops)"
    )


def drop_trigram_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP INDEX IF EXISTS {TRGM_INDEX}")


class Migration(migrations.Migration):
    dependencies = [
        ("branding", "0002_payment_mode"),
        ("clients", "0006_form_renewal_schedule"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name="clientaccount",
            name="deactivated_at",
            field=models.DateTimeField(
                blank=True,
                help_text="A deactivated client stays listed but cannot book online.",
                null=True,
                verbose_name="deactivated",
            ),
        ),
        migrations.AddField(
            model_name="clientaccount",
            name="search_text",
            field=models.TextField(blank=True, default="", editable=False),
        ),
        migrations.RunPython(fill_search_text, migrations.RunPython.noop),
        migrations.RunPython(create_trigram_index, drop_trigram_index),
        migrations.CreateModel(
            name="ClientNote",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("body", models.TextField(max_length=4000, verbose_name="note")),
                ("pinned", models.BooleanField(default=False, verbose_name="pinned")),
                (
                    "created_at",
                    models.DateTimeField(default=django.utils.timezone.now, verbose_name="written"),
                ),
                (
                    "author",
                    models.ForeignKey(
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                (
                    "client",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="internal_notes",
                        to="clients.clientaccount",
                    ),
                ),
                (
                    "clinic",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="+",
                        to="branding.clinic",
                    ),
                ),
            ],
            options={
                "verbose_name": "internal note",
                "ordering": ["-pinned", "-created_at", "-pk"],
                "indexes": [models.Index(fields=["clinic", "client"], name="note_clinic_client")],
            },
        ),
    ]
