"""Session notes became treatment records: migrating keeps every note (text, follow-up,
date, author, time) as a record with its first version, and booking_api's table goes.
The database is fully migrated again afterwards, whatever happens."""

import datetime

import pytest
from django.apps import apps as django_apps
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from booking_api.models import BookingStatus
from records.models import TreatmentRecord
from tests.factories.booking import ServiceFactory, StaffFactory
from tests.factories.clients import ClientAccountFactory, UserFactory
from tests.fixtures.booking import add_booking

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

BEFORE = [("booking_api", "0010_report_indexes"), ("records", "0004_thread_assignment")]


def migrate(targets=None):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets or executor.loader.graph.leaf_nodes())
    ContentType.objects.clear_cache()
    return executor


@pytest.fixture
def with_session_notes():
    executor = migrate(BEFORE)
    try:
        yield executor.loader.project_state(BEFORE).apps
    finally:
        migrate()
        ContentType.objects.get_for_models(*django_apps.get_models(), for_concrete_models=False)


@pytest.fixture
def visit(clinic):
    """The visit the note is about, made with today's models before stepping back (a
    later migration added columns to some of its tables)."""
    client = ClientAccountFactory(clinic=clinic, user__password=None)
    author = UserFactory(password=None)
    service = ServiceFactory(clinic=clinic, key="peel", name="Peel")
    staff = StaffFactory(clinic=clinic, key="emma", display_name="Emma", services=[service])
    start = timezone.now() - datetime.timedelta(days=7)
    booking = add_booking(clinic, client, service, staff, start, status=BookingStatus.COMPLETED)
    return client, author, booking


def test_every_session_note_becomes_a_treatment_record_with_its_first_version(
    clinic, visit, with_session_notes
):
    old = with_session_notes
    client, author, booking = visit
    note = old.get_model("booking_api", "SessionNote").objects.create(
        booking_id=booking.pk,
        author_id=author.pk,
        body="Peel at 20%, mild erythema",
        follow_up="Review in 4 weeks",
        follow_up_on=datetime.date(2099, 1, 1),
    )

    migrate()

    record = TreatmentRecord.objects.get()
    assert (record.clinic_id, record.client_id, record.booking_id, record.author_id) == (
        clinic.pk,
        client.pk,
        booking.pk,
        author.pk,
    )
    assert (record.notes, record.follow_up, record.follow_up_on) == (
        "Peel at 20%, mild erythema",
        "Review in 4 weeks",
        datetime.date(2099, 1, 1),
    )
    assert record.created_at == note.created_at and record.version == 1
    version = record.versions.get()
    assert (version.number, version.notes, version.author_id) == (1, record.notes, author.pk)
    assert "booking_api_sessionnote" not in connection.introspection.table_names()
