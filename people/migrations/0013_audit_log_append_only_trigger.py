# The audit log is append-only in the database too (PostgreSQL): a row trigger refuses
# every UPDATE and DELETE on clients_auditentry, whoever runs it — the application's own
# role included, raw SQL and the Django collector's cascades alike. The one exception is
# erasure (people.services.audit_entries_redact): inside a transaction that names the
# erased client (SET LOCAL portal.audit_erase_client), that client's rows may lose their
# identity — the client link, address, user agent and field changes emptied and the
# summary rewritten — and nothing else about them may change. TRUNCATE (a test flush) is a
# statement, not a row change, and is not refused. SQLite has no such triggers: there the
# model and its queryset refuse (people.models.AuditEntry).
from django.db import migrations

FORWARD = r"""
CREATE OR REPLACE FUNCTION clients_auditentry_append_only() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    erasing text := current_setting('portal.audit_erase_client', true);
BEGIN
    IF TG_OP = 'UPDATE'
       AND coalesce(erasing, '') <> ''
       AND OLD.client_id IS NOT NULL
       AND erasing = OLD.client_id::text
       AND NEW.id = OLD.id
       AND NEW.clinic_id = OLD.clinic_id
       AND NEW.actor_id IS NOT DISTINCT FROM OLD.actor_id
       AND NEW.action = OLD.action
       AND NEW.created_at = OLD.created_at
       AND (NEW.client_id IS NULL OR NEW.client_id = OLD.client_id)
       AND (NEW.ip_address IS NULL OR NEW.ip_address IS NOT DISTINCT FROM OLD.ip_address)
       AND (NEW.user_agent = '' OR NEW.user_agent = OLD.user_agent)
       AND (NEW.changes = '{}'::jsonb OR NEW.changes = OLD.changes)
    THEN
        RETURN NEW;
    END IF;
    RAISE EXCEPTION 'The audit log is append-only: % of entry % refused.', TG_OP, OLD.id
        USING ERRCODE = 'insufficient_privilege';
END
$$;
DROP TRIGGER IF EXISTS clients_auditentry_append_only ON clients_auditentry;
CREATE TRIGGER clients_auditentry_append_only
    BEFORE UPDATE OR DELETE ON clients_auditentry
    FOR EACH ROW EXECUTE FUNCTION clients_auditentry_append_only();
"""

BACKWARD = """
DROP TRIGGER IF EXISTS clients_auditentry_append_only ON clients_auditentry;
DROP FUNCTION IF EXISTS clients_auditentry_append_only();
"""


def create_trigger(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        with schema_editor.connection.cursor() as cursor:
            cursor.execute(FORWARD)  # no parameters: the % in RAISE stay as they are


def drop_trigger(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        with schema_editor.connection.cursor() as cursor:
            cursor.execute(BACKWARD)


class Migration(migrations.Migration):
    dependencies = [
        ("clients", "0012_drop_unused_knox_table"),
    ]

    operations = [
        migrations.RunPython(create_trigger, drop_trigger),
    ]
