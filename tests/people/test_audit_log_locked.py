"""The audit log cannot be rewritten, even by the application's own database role (on
PostgreSQL a trigger refuses every UPDATE and DELETE, raw SQL included; erasure may only
take a client's identity out of their entries), and managers export it for a period of
the clinic's calendar as CSV, which is audited too."""

import csv
import datetime
import io
import zoneinfo

import pytest
from django.db import DatabaseError, connection, transaction
from django.test import Client

from people.models import AuditEntry
from people.services import audit_entries_redact, audit_record
from tests.factories.clients import ClientAccountFactory, UserFactory

pytestmark = pytest.mark.django_db

EXPORT = "/admin/clinic/audit/"


@pytest.fixture
def postgresql():
    if connection.vendor != "postgresql":
        pytest.skip("The audit log's trigger is PostgreSQL's (SQLite: the model refuses).")


@pytest.fixture
def ada(clinic):
    return ClientAccountFactory(
        clinic=clinic,
        user=UserFactory(first_name="Ada", last_name="Lovelace", email="ada@example.com"),
    )


@pytest.fixture
def entry(clinic, staff_user, ada):
    return audit_record(
        clinic=clinic,
        actor=staff_user,
        action="change",
        client=ada,
        summary="Changed phone of Ada Lovelace",
        changes={"phone": ["1", "2"]},
    )


def _row(pk):
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT summary, client_id, action, changes::text FROM clients_auditentry "
            "WHERE id = %s",
            [pk],
        )
        return cursor.fetchone()


@pytest.mark.parametrize(
    "sql",
    [
        "UPDATE clients_auditentry SET summary = 'nothing happened' WHERE id = %s",
        "UPDATE clients_auditentry SET created_at = created_at - interval '1 day' WHERE id = %s",
        "UPDATE clients_auditentry SET client_id = NULL WHERE id = %s",
        "DELETE FROM clients_auditentry WHERE id = %s",
    ],
)
def test_the_apps_own_role_cannot_change_or_delete_an_entry(postgresql, entry, sql):
    before = _row(entry.pk)

    with (
        pytest.raises(DatabaseError, match="append-only"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute(sql, [entry.pk])

    assert _row(entry.pk) == before


def test_deleting_the_clinic_cannot_take_its_audit_log_with_it(postgresql, clinic, entry):
    with (
        pytest.raises(DatabaseError, match="append-only"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute("DELETE FROM clients_auditentry WHERE clinic_id = %s", [clinic.pk])

    assert AuditEntry.objects.filter(pk=entry.pk).exists()


def test_erasure_takes_only_the_named_clients_identity_out(
    postgresql, clinic, staff_user, ada, entry
):
    other = ClientAccountFactory(clinic=clinic)
    theirs = audit_record(
        clinic=clinic, actor=staff_user, action="view", client=other, summary="Viewed them"
    )

    assert audit_entries_redact(clinic=clinic, client=ada, names=["Ada Lovelace"]) == 1

    entry_after = AuditEntry.objects.get(pk=entry.pk)
    assert entry_after.summary == "Changed phone of [erased]"
    assert (entry_after.client_id, entry_after.changes, entry_after.action) == (None, {}, "change")
    assert entry_after.actor == staff_user and entry_after.created_at == entry.created_at
    # In the erasure's transaction still, only the erased client's identity may go:
    with (
        pytest.raises(DatabaseError, match="append-only"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute("SELECT set_config('portal.audit_erase_client', %s, true)", [str(ada.pk)])
        cursor.execute(
            "UPDATE clients_auditentry SET summary = 'x', client_id = NULL WHERE id = %s",
            [theirs.pk],
        )
    with (
        pytest.raises(DatabaseError, match="append-only"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute("SELECT set_config('portal.audit_erase_client', %s, true)", [str(other.pk)])
        cursor.execute("UPDATE clients_auditentry SET action = 'export' WHERE id = %s", [theirs.pk])
    assert AuditEntry.objects.get(pk=theirs.pk).summary == "Viewed them"


def test_erasure_works_on_sqlite_too(clinic, ada, entry):
    assert audit_entries_redact(clinic=clinic, client=ada, names=["Ada Lovelace"]) == 1
    assert AuditEntry.objects.get(pk=entry.pk).summary == "Changed phone of [erased]"


# --- The export --------------------------------------------------------------------------


def _admin(user, clinic):
    client = Client(HTTP_HOST=clinic.site.hostname, REMOTE_ADDR="203.0.113.9")
    client.force_login(user)
    return client


def _at(clinic, y, m, d, hh, mm):
    tz = zoneinfo.ZoneInfo(clinic.timezone)
    return datetime.datetime(y, m, d, hh, mm, tzinfo=tz)


@pytest.fixture
def dated_entries(other_clinic, clinic, staff_user, ada):
    """Entries at 23:30 and 00:30 on the clinic's (New York) wall clock around 1 Dec."""
    clinic.timezone = "America/New_York"
    clinic.save(update_fields=["timezone"])
    made = []
    for when, summary in [
        (_at(clinic, 2026, 11, 30, 23, 30), "the evening before"),
        (_at(clinic, 2026, 12, 1, 0, 30), "just after midnight"),
        (_at(clinic, 2026, 12, 1, 23, 30), "late on the day"),
        (_at(clinic, 2026, 12, 2, 0, 30), "the next day"),
    ]:
        made.append(
            AuditEntry.objects.create(
                clinic=clinic,
                actor=staff_user,
                action="view",
                client=ada,
                summary=summary,
                created_at=when,
            )
        )
    AuditEntry.objects.create(
        clinic=other_clinic,
        action="view",
        summary="another clinic's",
        created_at=made[1].created_at,
    )
    return made


def test_a_manager_exports_a_day_of_the_clinics_calendar_and_the_export_is_audited(
    clinic, manager, dated_entries
):
    response = _admin(manager, clinic).post(EXPORT, {"first": "2026-12-01", "last": "2026-12-01"})

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[0][0] == "When (America/New_York)"
    assert [(r[0], r[4]) for r in rows[1:]] == [
        ("2026-12-01 00:30:00", "just after midnight"),
        ("2026-12-01 23:30:00", "late on the day"),
    ]
    assert rows[1][3].startswith("Ada Lovelace (#")
    export = AuditEntry.objects.filter(clinic=clinic, action="export").get()
    assert export.actor == manager and "2026-12-01 to 2026-12-01 (2 entries)" in export.summary
    assert export.ip_address == "203.0.113.9"


@pytest.mark.parametrize("role_user", ["staff_user", "therapist_user"])
def test_only_the_clinics_managers_may_export(request, clinic, dated_entries, role_user):
    user = request.getfixturevalue(role_user)

    response = _admin(user, clinic).post(EXPORT, {"first": "2026-12-01", "last": "2026-12-01"})

    assert response.status_code in (302, 403)
    assert not AuditEntry.objects.filter(action="export").exists()


def test_another_clinics_manager_exports_only_their_own_clinics_log(
    clinic, other_clinic, other_manager, dated_entries
):
    response = _admin(other_manager, clinic).post(
        EXPORT, {"first": "2026-11-30", "last": "2026-12-02"}
    )

    body = response.content.decode()
    assert "another clinic's" in body
    assert "just after midnight" not in body and "Ada" not in body
    assert AuditEntry.objects.get(action="export").clinic == other_clinic


def test_a_period_ending_before_it_starts_is_refused_naming_the_field(clinic, manager):
    response = _admin(manager, clinic).post(EXPORT, {"first": "2026-12-02", "last": "2026-12-01"})

    assert response.status_code == 200
    assert "last" in response.context["form"].errors
    assert not AuditEntry.objects.filter(action="export").exists()


def test_a_summary_that_looks_like_a_formula_is_exported_as_text(clinic, manager, ada):
    audit_record(clinic=clinic, actor=None, action="view", client=ada, summary="=HYPERLINK(1)")
    today = datetime.datetime.now(zoneinfo.ZoneInfo(clinic.timezone)).date().isoformat()

    response = _admin(manager, clinic).post(EXPORT, {"first": today, "last": today})

    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[1][4] == "'=HYPERLINK(1)"


# serialized_rollback, as every transactional test here: a flush before it (another
# transactional test's clean-up) took Wagtail's root page, which it restores.
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_test_flush_still_empties_the_audit_log(postgresql, clinic, staff_user, ada):
    """TRUNCATE (how a transactional test is cleaned up) is no row change: the trigger
    lets it through, so the suite can still empty the table between tests."""
    audit_record(clinic=clinic, actor=staff_user, action="view", client=ada, summary="Viewed")

    with connection.cursor() as cursor:
        cursor.execute("TRUNCATE clients_auditentry")

    assert not AuditEntry.objects.exists()
