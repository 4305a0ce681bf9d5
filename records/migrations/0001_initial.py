"""The models moved here from ``clients`` (people), over the tables they already have:
state only, no SQL runs (``clients 0008`` forgot them the same way). The tables,
columns, indexes and constraints were made by clients 0004 and 0005."""

import django.core.serializers.json
import django.core.validators
import django.db.models.deletion
import django.utils.timezone
import wagtail.fields
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ('booking_api', '0005_booking_preferences'),
        ('branding', '0002_payment_mode'),
        ('clients', '0008_move_record_models_to_records'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[],
            state_operations=[
                migrations.CreateModel(
                    name='FormTemplate',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('title', models.CharField(max_length=150, verbose_name='title')),
                        ('kind', models.CharField(choices=[('consent', 'Consent'), ('intake', 'Intake')], max_length=16, verbose_name='kind')),
                        ('intro', models.TextField(blank=True, help_text='Shown above the questions and in the PDF.', verbose_name='introduction')),
                        ('fields', wagtail.fields.StreamField([('text', 3), ('long_text', 4), ('yes_no', 5), ('choice', 8), ('date', 9)], blank=True, block_lookup={0: ('wagtail.blocks.CharBlock', (), {'label': 'Question', 'max_length': 200}), 1: ('wagtail.blocks.CharBlock', (), {'label': 'Help text', 'max_length': 300, 'required': False}), 2: ('wagtail.blocks.BooleanBlock', (), {'default': True, 'label': 'Required', 'required': False}), 3: ('wagtail.blocks.StructBlock', [[('label', 0), ('help_text', 1), ('required', 2)]], {'icon': 'pilcrow', 'label': 'Short text'}), 4: ('wagtail.blocks.StructBlock', [[('label', 0), ('help_text', 1), ('required', 2)]], {'icon': 'doc-full', 'label': 'Long text'}), 5: ('wagtail.blocks.StructBlock', [[('label', 0), ('help_text', 1), ('required', 2)]], {'icon': 'tick', 'label': 'Yes / no'}), 6: ('wagtail.blocks.CharBlock', (), {'label': 'Choice', 'max_length': 120}), 7: ('wagtail.blocks.ListBlock', (6,), {'label': 'Choices', 'min_num': 2}), 8: ('wagtail.blocks.StructBlock', [[('label', 0), ('help_text', 1), ('required', 2), ('choices', 7)]], {'icon': 'list-ul', 'label': 'Choice'}), 9: ('wagtail.blocks.StructBlock', [[('label', 0), ('help_text', 1), ('required', 2)]], {'icon': 'date', 'label': 'Date'})}, verbose_name='questions')),
                        ('valid_for_months', models.PositiveSmallIntegerField(default=12, help_text='After this the client signs again (0: never expires).', verbose_name='valid for (months)')),
                        ('active', models.BooleanField(default=True, help_text='Inactive forms are no longer asked for.', verbose_name='active')),
                        ('created_at', models.DateTimeField(auto_now_add=True)),
                        ('updated_at', models.DateTimeField(auto_now=True)),
                        ('clinic', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='form_templates', to='branding.clinic')),
                        ('services', models.ManyToManyField(blank=True, help_text='Online booking of these services waits until the form is signed.', related_name='required_forms', to='booking_api.service', verbose_name='required before booking')),
                    ],
                    options={
                        'verbose_name': 'form template',
                        'db_table': 'clients_formtemplate',
                        'ordering': ['title'],
                    },
                ),
                migrations.CreateModel(
                    name='MedicalHistoryVersion',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('allergies', models.TextField(blank=True, max_length=2000, verbose_name='allergies')),
                        ('medications', models.TextField(blank=True, max_length=2000, verbose_name='current medications')),
                        ('conditions', models.TextField(blank=True, max_length=2000, verbose_name='medical conditions')),
                        ('notes', models.TextField(blank=True, max_length=2000, verbose_name='other notes')),
                        ('by_staff', models.BooleanField(default=False, verbose_name='changed by staff')),
                        ('created_at', models.DateTimeField(default=django.utils.timezone.now, verbose_name='when')),
                        ('author', models.ForeignKey(null=True, on_delete=django.db.models.deletion.RESTRICT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='changed by')),
                        ('client', models.ForeignKey(on_delete=django.db.models.deletion.RESTRICT, related_name='medical_history', to='clients.clientaccount')),
                        ('clinic', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='medical_history', to='branding.clinic')),
                    ],
                    options={
                        'verbose_name': 'medical history version',
                        'db_table': 'clients_medicalhistoryversion',
                        'ordering': ['-created_at', '-pk'],
                    },
                ),
                migrations.CreateModel(
                    name='MessageThread',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('kind', models.CharField(choices=[('chat', 'Chat'), ('notice', 'Notification')], max_length=8, verbose_name='kind')),
                        ('subject', models.CharField(max_length=120, verbose_name='subject')),
                        ('created_at', models.DateTimeField(default=django.utils.timezone.now)),
                        ('last_message_at', models.DateTimeField(db_index=True, default=django.utils.timezone.now)),
                        ('client', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='message_threads', to='clients.clientaccount')),
                        ('clinic', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='message_threads', to='branding.clinic')),
                        ('started_by', models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                    ],
                    options={
                        'db_table': 'clients_messagethread',
                        'ordering': ['-last_message_at', '-pk'],
                    },
                ),
                migrations.CreateModel(
                    name='Message',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('sender', models.CharField(choices=[('clinic', 'Clinic'), ('client', 'Client')], max_length=8, verbose_name='from')),
                        ('body', models.TextField(verbose_name='message')),
                        ('created_at', models.DateTimeField(default=django.utils.timezone.now)),
                        ('read_at', models.DateTimeField(blank=True, null=True, verbose_name='read')),
                        ('author', models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                        ('thread', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='messages', to='records.messagethread')),
                    ],
                    options={
                        'db_table': 'clients_message',
                        'ordering': ['created_at', 'pk'],
                    },
                ),
                migrations.CreateModel(
                    name='SignedForm',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('title', models.CharField(max_length=150, verbose_name='title')),
                        ('questions', models.JSONField(encoder=django.core.serializers.json.DjangoJSONEncoder, verbose_name='questions')),
                        ('answers', models.JSONField(encoder=django.core.serializers.json.DjangoJSONEncoder, verbose_name='answers')),
                        ('typed_name', models.CharField(max_length=150, verbose_name='typed name')),
                        ('signature_method', models.CharField(choices=[('drawn', 'Drawn and typed name'), ('typed', 'Typed name')], max_length=8, verbose_name='signature')),
                        ('signature_png', models.BinaryField(blank=True, default=b'', verbose_name='drawn signature (PNG)')),
                        ('signed_at', models.DateTimeField(default=django.utils.timezone.now, verbose_name='signed')),
                        ('expires_at', models.DateTimeField(blank=True, null=True, verbose_name='expires')),
                        ('ip_address', models.GenericIPAddressField(blank=True, null=True, verbose_name='IP address')),
                        ('user_agent', models.CharField(blank=True, max_length=400, verbose_name='user agent')),
                        ('pdf', models.BinaryField(verbose_name='PDF')),
                        ('pdf_sha256', models.CharField(max_length=64, verbose_name='PDF SHA-256')),
                        ('client', models.ForeignKey(on_delete=django.db.models.deletion.RESTRICT, related_name='signed_forms', to='clients.clientaccount')),
                        ('clinic', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='signed_forms', to='branding.clinic')),
                        ('template', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='signed', to='records.formtemplate')),
                    ],
                    options={
                        'verbose_name': 'signed form',
                        'db_table': 'clients_signedform',
                        'ordering': ['-signed_at', '-pk'],
                    },
                ),
                migrations.CreateModel(
                    name='FormReminder',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('sent_at', models.DateTimeField(default=django.utils.timezone.now)),
                        ('signed_form', models.OneToOneField(on_delete=django.db.models.deletion.CASCADE, related_name='renewal_reminder', to='records.signedform')),
                    ],
                    options={
                        'db_table': 'clients_formreminder',
                    },
                ),
                migrations.CreateModel(
                    name='Feedback',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('rating', models.PositiveSmallIntegerField(validators=[django.core.validators.MinValueValidator(1), django.core.validators.MaxValueValidator(5)], verbose_name='rating')),
                        ('comment', models.TextField(blank=True, max_length=2000, verbose_name='comment')),
                        ('created_at', models.DateTimeField(default=django.utils.timezone.now, verbose_name='received')),
                        ('followed_up_at', models.DateTimeField(blank=True, null=True, verbose_name='followed up')),
                        ('booking', models.OneToOneField(on_delete=django.db.models.deletion.CASCADE, related_name='feedback', to='booking_api.booking')),
                        ('client', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='feedback', to='clients.clientaccount')),
                        ('clinic', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='feedback', to='branding.clinic')),
                        ('followed_up_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='followed up by')),
                    ],
                    options={
                        'verbose_name': 'feedback',
                        'verbose_name_plural': 'feedback',
                        'db_table': 'clients_feedback',
                        'ordering': ['-created_at', '-pk'],
                        'indexes': [models.Index(fields=['clinic', 'client'], name='feedback_client')],
                        'constraints': [models.CheckConstraint(condition=models.Q(('rating__gte', 1), ('rating__lte', 5)), name='feedback_rating_1_to_5')],
                    },
                ),
                migrations.AddConstraint(
                    model_name='formtemplate',
                    constraint=models.UniqueConstraint(fields=('clinic', 'title'), name='form_title_unique'),
                ),
                migrations.AddIndex(
                    model_name='medicalhistoryversion',
                    index=models.Index(fields=['clinic', 'client', '-created_at'], name='medical_latest'),
                ),
                migrations.AddIndex(
                    model_name='messagethread',
                    index=models.Index(fields=['clinic', 'client', '-last_message_at'], name='thread_recent'),
                ),
                migrations.AddIndex(
                    model_name='message',
                    index=models.Index(fields=['thread', 'sender', 'read_at'], name='message_unread'),
                ),
                migrations.AddIndex(
                    model_name='signedform',
                    index=models.Index(fields=['clinic', 'client', 'template', '-signed_at'], name='signed_latest'),
                ),
            ],
        ),
    ]
