"""The audit trail: every staff view and change of a client record is written to an
append-only log (who, what, when, from where) and shown on the client's page."""

import pytest
from django.contrib import admin
from django.db import transaction
from django.test import Client
from django.urls import NoReverseMatch, reverse

from people.models import AuditEntry, AuditLogError
from people.selectors import audit_for_client
from people.services import ClientError, audit_record
from tests.factories.clients import ClientAccountFactory, MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db

CLIENTS = "/admin/clinic/clients/"
INVITE = "/admin/clinic/clients/invite/"
TEAM = "/admin/clinic/team/"
AGENT = "Mozilla/5.0 (audit test)"


def signed_in(user, clinic, ip="203.0.113.7"):
    client = Client(HTTP_HOST=clinic.site.hostname, REMOTE_ADDR=ip, HTTP_USER_AGENT=AGENT)
    client.force_login(user)
    return client


@pytest.fixture
def ada(clinic):
    return ClientAccountFactory(
        clinic=clinic,
        user=UserFactory(first_name="Ada", last_name="Lovelace", email="ada@example.com"),
    )


@pytest.fixture
def entry(clinic, staff_user, ada):
    return audit_record(
        clinic=clinic, actor=staff_user, action="view", client=ada, summary="Viewed Ada"
    )


def test_viewing_a_client_writes_one_view_entry_with_actor_and_origin(clinic, staff_user, ada):
    response = signed_in(staff_user, clinic).get(f"{CLIENTS}{ada.pk}/?tab=audit")

    assert response.status_code == 200
    [entry] = AuditEntry.objects.all()
    assert (entry.clinic, entry.client, entry.actor, entry.action) == (
        clinic,
        ada,
        staff_user,
        "view",
    )
    assert entry.ip_address == "203.0.113.7"
    assert entry.user_agent == AGENT
    assert "Ada Lovelace" in entry.summary


def test_inviting_a_client_writes_an_invite_entry(
    clinic, staff_user, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = signed_in(staff_user, clinic).post(
            INVITE,
            {
                "first_name": "Mary",
                "last_name": "Shelley",
                "email": "mary@example.com",
                "invite": "on",
            },
        )

    assert response.status_code == 302
    [entry] = AuditEntry.objects.all()
    assert (entry.action, entry.actor, entry.clinic) == ("invite", staff_user, clinic)
    assert entry.client.user.email == "mary@example.com"
    assert entry.changes["email"] == [None, "mary@example.com"]
    assert entry.changes["invited_at"][0] is None and entry.changes["invited_at"][1]
    assert entry.ip_address == "203.0.113.7"


def test_reinviting_an_existing_client_records_only_what_changed(clinic, staff_user, ada):
    response = signed_in(staff_user, clinic).post(
        INVITE,
        {"first_name": "Ada", "email": "ada@example.com", "phone": "07700 900444", "invite": "on"},
    )

    assert response.status_code == 302
    [entry] = AuditEntry.objects.all()
    assert entry.client == ada
    assert set(entry.changes) == {"phone", "invited_at"}
    assert entry.changes["phone"] == [ada.phone, "+447700900444"]


def test_a_refused_invitation_writes_nothing(clinic, staff_user):
    response = signed_in(staff_user, clinic).post(
        INVITE, {"first_name": "Mary", "email": "mary@example.com", "phone": "12"}
    )

    assert response.status_code == 200
    assert not AuditEntry.objects.exists()


def test_adding_to_the_team_writes_a_clinic_level_entry(clinic, manager):
    response = signed_in(manager, clinic).post(
        TEAM, {"email": "new.hire@example.com", "role": "therapist"}
    )

    assert response.status_code == 302
    [entry] = AuditEntry.objects.all()
    assert (entry.action, entry.actor, entry.client) == ("team", manager, None)
    assert entry.changes == {"role": [None, "therapist"]}


def test_entries_cannot_be_edited(entry):
    entry.summary = "Nothing to see"
    with pytest.raises(AuditLogError):
        entry.save()
    with pytest.raises(AuditLogError), transaction.atomic():
        AuditEntry.objects.filter(pk=entry.pk).update(summary="Nothing to see")

    entry.refresh_from_db()
    assert entry.summary == "Viewed Ada"


def test_entries_cannot_be_deleted(entry):
    with pytest.raises(AuditLogError):
        entry.delete()
    with pytest.raises(AuditLogError), transaction.atomic():
        AuditEntry.objects.filter(pk=entry.pk).delete()

    assert AuditEntry.objects.filter(pk=entry.pk).exists()


def test_a_client_with_history_cannot_be_deleted(entry, ada):
    from django.db.models import RestrictedError

    with pytest.raises(RestrictedError), transaction.atomic():
        ada.delete()

    assert AuditEntry.objects.filter(pk=entry.pk).exists()


def test_no_admin_offers_to_add_change_or_delete_entries(clinic, manager, entry):
    assert AuditEntry not in admin.site._registry
    for name in ("add", "edit", "delete", "index"):
        for prefix in ("wagtailsnippets_clients_auditentry", "clients_auditentry"):
            with pytest.raises(NoReverseMatch):
                reverse(f"{prefix}:{name}", args=[entry.pk] if name in ("edit", "delete") else [])
    client = signed_in(UserFactory(is_superuser=True, is_staff=True), clinic)
    for url in (
        f"/admin/snippets/clients/auditentry/edit/{entry.pk}/",
        f"/admin/snippets/clients/auditentry/delete/{entry.pk}/",
        f"/django-admin/clients/auditentry/{entry.pk}/change/",
        f"/django-admin/clients/auditentry/{entry.pk}/delete/",
    ):
        assert client.get(url).status_code == 404, url


def test_another_clinics_staff_cannot_see_the_entries(clinic, other_clinic, entry, ada):
    outsider = MembershipFactory(clinic=other_clinic, role="manager").user

    for host in (clinic, other_clinic):
        response = signed_in(outsider, host).get(f"{CLIENTS}{ada.pk}/?tab=audit")
        assert response.status_code == 404
        assert b"Viewed Ada" not in response.content
    assert list(audit_for_client(other_clinic, ada)) == []
    assert AuditEntry.objects.count() == 1  # the refused look wrote nothing about Ada


def test_the_detail_page_lists_the_entries_newest_first(clinic, staff_user, manager, ada):
    audit_record(
        clinic=clinic,
        actor=manager,
        action="change",
        client=ada,
        summary="Changed phone",
        changes={"phone": ["+447700900111", "+447700900999"]},
    )

    response = signed_in(staff_user, clinic).get(f"{CLIENTS}{ada.pk}/?tab=audit")

    tabs = {tab.key: context for tab, context in response.context["tabs"]}
    entries = list(tabs["audit"]["audit_entries"])
    assert [e.action for e in entries] == ["view", "change"]
    assert entries[0].actor == staff_user
    html = response.content.decode()
    assert "Audit trail" in html
    assert html.index("Viewed Ada Lovelace") < html.index("Changed phone")
    assert "+447700900999" in html and "203.0.113.7" in html
    # Read-only: no form or edit link for the entries.
    trail = html[html.index("data-audit-trail") :]
    assert "<form" not in trail.split("</table>")[0]


def test_audit_record_refuses_a_client_of_another_clinic(clinic, other_clinic, manager, ada):
    with pytest.raises(ClientError):
        audit_record(clinic=other_clinic, actor=manager, action="view", client=ada, summary="x")
    with pytest.raises(ClientError):
        audit_record(clinic=clinic, actor=manager, action="shred", client=ada, summary="x")
    assert not AuditEntry.objects.exists()
