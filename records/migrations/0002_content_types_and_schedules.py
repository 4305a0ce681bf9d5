"""What still names the moved models or their tasks by the old app, follows them:

- Content types: ``clients.<model>`` becomes ``records.<model>``, the same row, so the
  permissions on it (and every group's and user's grant of them), Wagtail's log entries
  and anything else pointing at the content type follow. If a ``records.<model>`` row
  already exists (``post_migrate`` ran with the new models before this did), the old
  row is folded into it: grants and references move over, then the old row goes.
- django-q2 schedules name their function by import path: the form-renewal reminder
  (and the survey task, should anyone have scheduled it) moved from ``people.tasks``
  to ``records.tasks``.
"""

from django.db import IntegrityError, migrations, transaction

MOVED_MODELS = (
    "feedback",
    "formreminder",
    "formtemplate",
    "medicalhistoryversion",
    "message",
    "messagethread",
    "signedform",
)
MOVED_TASKS = ("send_form_renewal_reminders", "send_survey")


def _repoint(apps, db, target, old_pk, new_pk, skip=()):
    """Every row of every model whose foreign key to ``target`` (a label_lower) is
    ``old_pk`` now points at ``new_pk``. A row that would then duplicate one already
    there (the same grant twice) is dropped instead."""
    for model in apps.get_models(include_auto_created=True):
        if model._meta.label_lower in skip:
            continue
        for field in model._meta.concrete_fields:
            related = field.related_model if field.is_relation else None
            if related is None or related._meta.label_lower != target:
                continue
            rows = model._base_manager.using(db)
            for pk in list(rows.filter(**{field.attname: old_pk}).values_list("pk", flat=True)):
                try:
                    with transaction.atomic(using=db):
                        rows.filter(pk=pk).update(**{field.attname: new_pk})
                except IntegrityError:
                    rows.filter(pk=pk).delete()


def _fold(apps, db, old, new):
    """Merge content type ``old`` into ``new`` (same model): permissions by codename,
    then every other reference, then delete ``old``."""
    Permission = apps.get_model("auth", "Permission")
    for perm in Permission.objects.using(db).filter(content_type_id=old.pk):
        twin = (
            Permission.objects.using(db)
            .filter(content_type_id=new.pk, codename=perm.codename)
            .first()
        )
        if twin is None:
            perm.content_type_id = new.pk
            perm.save(update_fields=["content_type"])
        else:
            _repoint(apps, db, "auth.permission", perm.pk, twin.pk)
            perm.delete()
    _repoint(apps, db, "contenttypes.contenttype", old.pk, new.pk, skip={"auth.permission"})
    old.delete()


def _move_content_types(apps, schema_editor, from_label, to_label):
    ContentType = apps.get_model("contenttypes", "ContentType")
    db = schema_editor.connection.alias
    for model in MOVED_MODELS:
        old = ContentType.objects.using(db).filter(app_label=from_label, model=model).first()
        if old is None:
            continue
        new = ContentType.objects.using(db).filter(app_label=to_label, model=model).first()
        if new is None:
            old.app_label = to_label
            old.save(update_fields=["app_label"])
        else:
            _fold(apps, db, old, new)
    ContentType.objects.clear_cache()


def _move_schedules(apps, schema_editor, from_module, to_module):
    Schedule = apps.get_model("django_q", "Schedule")
    db = schema_editor.connection.alias
    for name in MOVED_TASKS:
        Schedule.objects.using(db).filter(func=f"{from_module}.{name}").update(
            func=f"{to_module}.{name}"
        )


def forwards(apps, schema_editor):
    _move_content_types(apps, schema_editor, "clients", "records")
    _move_schedules(apps, schema_editor, "people.tasks", "records.tasks")


def backwards(apps, schema_editor):
    _move_content_types(apps, schema_editor, "records", "clients")
    _move_schedules(apps, schema_editor, "records.tasks", "people.tasks")


class Migration(migrations.Migration):
    dependencies = [
        ("records", "0001_initial"),
        ("clients", "0008_move_record_models_to_records"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("django_q", "0019_alter_task_options_alter_ormq_key_alter_ormq_lock_and_more"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
