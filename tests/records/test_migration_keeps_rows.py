"""Moving forms, medical history, feedback and messages from ``clients`` (people) to
``records`` keeps every row, and what names the models by app follows them.

The test builds the schema as it was before the move (clients 0007, no records app),
writes a row into each moved table through the historical models of that state, with
content types, permissions, grants, a Wagtail log entry and the renewal schedule as a
deployed site has them, migrates forward and reads everything back through today's
models. It leaves the database fully migrated, whatever happens.
"""

import datetime

import pytest
from django.apps import apps as django_apps
from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone
from django_q.models import Schedule
from wagtail.models import ModelLogEntry

from booking_api.models import BookingStatus
from records.models import (
    Feedback,
    FormReminder,
    FormTemplate,
    MedicalHistoryVersion,
    Message,
    MessageThread,
    SignedForm,
)
from tests.factories.booking import ServiceFactory, StaffFactory
from tests.factories.clients import ClientAccountFactory, UserFactory
from tests.fixtures.booking import add_booking

# serialized_rollback: the flush after each transactional test would drop Wagtail's root
# page and locale, which the clinic fixture needs.
pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

BEFORE = [("clients", "0007_schedules_follow_package_rename"), ("records", None)]
SCHEDULE = "clients: form renewal reminders"
MOVED = ("feedback", "formreminder", "formtemplate", "medicalhistoryversion")
MOVED += ("message", "messagethread", "signedform")


def migrate(targets=None):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets or executor.loader.graph.leaf_nodes())
    ContentType.objects.clear_cache()
    return executor


@pytest.fixture
def before_the_move():
    """The database as it was before records existed; fully migrated again afterwards."""
    executor = migrate(BEFORE)
    try:
        yield executor.loader.project_state(BEFORE[:1]).apps
    finally:
        migrate()
        # Later serialized_rollback tests rebuild rows (Wagtail's tasks among them) that
        # look their content type up while the table is being refilled: with a cold
        # cache that would insert a second row. Warm it, as every other test leaves it.
        ContentType.objects.get_for_models(*django_apps.get_models(), for_concrete_models=False)


def old_rows(old, *, clinic, client, staff_user, booking, service):
    """One row in every moved table, written through the models as clients had them."""
    template = old.get_model("clients", "FormTemplate").objects.create(
        clinic_id=clinic.pk, title="Laser consent", kind="consent", valid_for_months=12
    )
    template.services.add(service.pk)
    signed = old.get_model("clients", "SignedForm").objects.create(
        clinic_id=clinic.pk,
        client_id=client.pk,
        template=template,
        title="Laser consent",
        questions=[{"key": "q1", "type": "yes_no", "label": "Pregnant?"}],
        answers={"q1": False},
        typed_name="Ada Lovelace",
        signature_method="typed",
        expires_at=timezone.now() + datetime.timedelta(days=365),
        ip_address="203.0.113.9",
        pdf=b"%PDF-1.7 signed",
        pdf_sha256="ab" * 32,
    )
    old.get_model("clients", "FormReminder").objects.create(signed_form=signed)
    old.get_model("clients", "MedicalHistoryVersion").objects.create(
        clinic_id=clinic.pk, client_id=client.pk, allergies="Latex", author_id=staff_user.pk
    )
    old.get_model("clients", "Feedback").objects.create(
        clinic_id=clinic.pk, client_id=client.pk, booking_id=booking.pk, rating=4, comment="Nice"
    )
    thread = old.get_model("clients", "MessageThread").objects.create(
        clinic_id=clinic.pk, client_id=client.pk, kind="chat", subject="Aftercare"
    )
    old.get_model("clients", "Message").objects.create(
        thread=thread, sender="clinic", author_id=staff_user.pk, body="Keep it out of the sun."
    )
    return template, signed


@pytest.fixture
def visit(clinic):
    """The rows the moved tables point at, in tables the move does not touch: made with
    today's models before stepping back (a later migration added columns to some)."""
    client = ClientAccountFactory(clinic=clinic, user__password=None)
    staff_user = UserFactory(password=None)
    service = ServiceFactory(clinic=clinic, key="laser", name="Laser")
    staff = StaffFactory(clinic=clinic, key="emma", display_name="Emma", services=[service])
    start = timezone.now() - datetime.timedelta(days=1)
    booking = add_booking(clinic, client, service, staff, start, status=BookingStatus.COMPLETED)
    return client, staff_user, service, booking


def test_moving_to_records_keeps_every_row_permission_and_schedule(clinic, visit, before_the_move):
    old = before_the_move
    client, staff_user, service, booking = visit
    template, signed = old_rows(
        old, clinic=clinic, client=client, staff_user=staff_user, booking=booking, service=service
    )

    # Stepping back renamed the content types (same rows) to "clients".
    for model in MOVED:
        assert ContentType.objects.filter(app_label="clients", model=model).exists()
        assert not ContentType.objects.filter(app_label="records", model=model).exists()
    # One model's records content type already exists, as if post_migrate had run with
    # the new code first, with its own permission rows: here the snapshot's own row,
    # so the database ends as it began (later tests restore that snapshot).
    stale = ContentType.objects.get(app_label="clients", model="signedform")
    stale.app_label = "records"
    stale.save()
    stale_view = Permission.objects.get(content_type=stale, codename="view_signedform")
    # Content types and permissions as a deployed site has them: under "clients",
    # granted to a group and a user…
    old_types = {
        model: ContentType.objects.get_or_create(app_label="clients", model=model)[0]
        for model in MOVED
    }
    for model, ctype in old_types.items():
        for action in ("add", "change", "delete", "view"):
            Permission.objects.get_or_create(
                content_type=ctype,
                codename=f"{action}_{model}",
                defaults={"name": f"Can {action} {model}"},
            )
    change_feedback = Permission.objects.get(
        content_type__app_label="clients", codename="change_feedback"
    )
    view_signed = Permission.objects.get(
        content_type__app_label="clients", codename="view_signedform"
    )
    front_desk = Group.objects.create(name="Front desk (migration test)")
    front_desk.permissions.add(change_feedback, view_signed)
    reader = UserFactory(password=None)
    reader.user_permissions.add(view_signed)
    log = ModelLogEntry.objects.create(
        content_type=old_types["formtemplate"],
        label="Laser consent",
        action="wagtail.create",
        object_id=str(template.pk),
        timestamp=timezone.now(),
    )
    Schedule.objects.update_or_create(
        name=SCHEDULE,
        defaults={"func": "people.tasks.send_form_renewal_reminders", "schedule_type": "H"},
    )

    migrate()

    # Every row, read through today's models.
    kept = FormTemplate.objects.get(pk=template.pk)
    assert kept.title == "Laser consent"
    assert list(kept.services.values_list("pk", flat=True)) == [service.pk]
    signed_now = SignedForm.objects.get(pk=signed.pk)
    assert signed_now.template == kept
    assert signed_now.client == client
    assert bytes(signed_now.pdf) == b"%PDF-1.7 signed"
    assert signed_now.answers == {"q1": False}
    assert FormReminder.objects.get().signed_form == signed_now
    medical = MedicalHistoryVersion.objects.get(client=client)
    assert (medical.allergies, medical.author_id) == ("Latex", staff_user.pk)
    feedback = Feedback.objects.get(booking=booking)
    assert (feedback.rating, feedback.comment, feedback.client) == (4, "Nice", client)
    thread = MessageThread.objects.get(client=client)
    assert thread.subject == "Aftercare"
    assert [m.body for m in Message.objects.filter(thread=thread)] == ["Keep it out of the sun."]
    # The reverse accessors other code uses still reach them.
    assert client.signed_forms.get() == signed_now
    assert booking.feedback == feedback

    # Content types follow: renamed in place (same id), so grants and log entries follow.
    for model in MOVED:
        assert not ContentType.objects.filter(app_label="clients", model=model).exists()
    feedback_type = ContentType.objects.get_for_model(Feedback)
    assert feedback_type.app_label == "records"
    assert feedback_type.pk == old_types["feedback"].pk
    assert ContentType.objects.get_for_model(FormTemplate).pk == old_types["formtemplate"].pk
    log.refresh_from_db()
    assert log.content_type == ContentType.objects.get_for_model(FormTemplate)
    # The already-existing records type won; the old one's grants moved onto its
    # permission rather than being lost or duplicated.
    assert ContentType.objects.get_for_model(SignedForm).pk == stale.pk
    assert set(front_desk.permissions.all()) == {change_feedback, stale_view}
    assert not Permission.objects.filter(pk=view_signed.pk).exists()
    reader = type(reader).objects.get(pk=reader.pk)  # no cached permissions
    assert reader.has_perm("records.view_signedform")
    assert not reader.has_perm("clients.view_signedform")
    assert Permission.objects.filter(content_type=stale, codename="view_signedform").count() == 1

    # The hourly job names its function at its new path.
    assert Schedule.objects.get(name=SCHEDULE).func == "records.tasks.send_form_renewal_reminders"
    from django.utils.module_loading import import_string

    assert callable(import_string(Schedule.objects.get(name=SCHEDULE).func))
