"""The client's record (forms, signed forms, renewal reminders, medical history, feedback,
messages) moved to the ``records`` app. Its tables keep their names
(``db_table = "clients_<name>"``), so this only forgets the models here: no SQL runs.
records 0001 takes them over the same way."""

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('clients', '0007_schedules_follow_package_rename'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[],
            state_operations=[
                migrations.RemoveField(
                    model_name='formreminder',
                    name='signed_form',
                ),
                migrations.RemoveField(
                    model_name='formtemplate',
                    name='clinic',
                ),
                migrations.RemoveField(
                    model_name='formtemplate',
                    name='services',
                ),
                migrations.RemoveField(
                    model_name='signedform',
                    name='template',
                ),
                migrations.RemoveField(
                    model_name='medicalhistoryversion',
                    name='author',
                ),
                migrations.RemoveField(
                    model_name='medicalhistoryversion',
                    name='client',
                ),
                migrations.RemoveField(
                    model_name='medicalhistoryversion',
                    name='clinic',
                ),
                migrations.RemoveField(
                    model_name='message',
                    name='author',
                ),
                migrations.RemoveField(
                    model_name='message',
                    name='thread',
                ),
                migrations.RemoveField(
                    model_name='messagethread',
                    name='client',
                ),
                migrations.RemoveField(
                    model_name='messagethread',
                    name='clinic',
                ),
                migrations.RemoveField(
                    model_name='messagethread',
                    name='started_by',
                ),
                migrations.RemoveField(
                    model_name='signedform',
                    name='client',
                ),
                migrations.RemoveField(
                    model_name='signedform',
                    name='clinic',
                ),
                migrations.DeleteModel(
                    name='Feedback',
                ),
                migrations.DeleteModel(
                    name='FormReminder',
                ),
                migrations.DeleteModel(
                    name='FormTemplate',
                ),
                migrations.DeleteModel(
                    name='MedicalHistoryVersion',
                ),
                migrations.DeleteModel(
                    name='Message',
                ),
                migrations.DeleteModel(
                    name='MessageThread',
                ),
                migrations.DeleteModel(
                    name='SignedForm',
                ),
            ],
        ),
    ]
