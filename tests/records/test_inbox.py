"""The desk's inbox: the clinic's conversations across clients, unread first; assigning
a conversation (who may, to whom, audited, the assignee told); what therapists see; the
page's filters, paging and query count; another clinic's conversation answers 404."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from notifications.models import Notification
from people.models import AuditEntry
from records.errors import RecordsErrorCode
from records.inbox_selectors import inbox_threads, inbox_unread_count
from records.inbox_services import thread_assign
from records.message_services import MessageError, client_thread_start, thread_start
from records.models import MessageThread
from tests.factories.clients import ClientAccountFactory, MembershipFactory
from tests.fixtures.booking import add_booking
from tests.fixtures.clinics import admin_client_for

pytestmark = pytest.mark.django_db

INBOX = "/admin/clinic/inbox/"


def client_chat(clinic, client, subject, *, minutes_ago=0):
    thread = client_thread_start(
        clinic=clinic, client=client, author=client.user, subject=subject, body=f"About {subject}"
    )
    when = timezone.now() - datetime.timedelta(minutes=minutes_ago)
    MessageThread.objects.filter(pk=thread.pk).update(last_message_at=when)
    thread.refresh_from_db()
    return thread


@pytest.fixture
def desk(clinic):
    return MembershipFactory(clinic=clinic, role="staff", user__first_name="Dana").user


@pytest.fixture
def nurse(clinic):
    return MembershipFactory(clinic=clinic, role="therapist", user__first_name="Nia").user


@pytest.fixture
def chat(clinic, patient):
    return client_chat(clinic, patient, "Swelling after filler")


def ids(threads):
    return [t.pk for t in threads]


# --- Assignment rules -----------------------------------------------------------------


def test_front_desk_assigns_reassigns_and_unassigns_audited_and_the_assignee_is_told(
    clinic, chat, desk, nurse, manager
):
    thread_assign(clinic=clinic, thread=chat, assignee=nurse, actor=desk)
    chat.refresh_from_db()
    assert chat.assigned_to == nurse and chat.assigned_at is not None
    told = Notification.objects.get(user=nurse, kind="staff.thread_assigned")
    assert "Swelling after filler" in told.body and f"/messages/{chat.pk}/" in told.url
    entry = AuditEntry.objects.filter(client=chat.client, changes__has_key="assignee").get()
    assert entry.actor == desk and "Assigned" in entry.summary

    thread_assign(clinic=clinic, thread=chat, assignee=manager, actor=desk)
    thread_assign(clinic=clinic, thread=chat, assignee=None, actor=manager)
    chat.refresh_from_db()
    assert chat.assigned_to is None and chat.assigned_at is None
    summaries = list(
        AuditEntry.objects.filter(changes__has_key="assignee")
        .order_by("pk")
        .values_list("summary", flat=True)
    )
    assert len(summaries) == 3 and summaries[-1].startswith("Unassigned")
    assert Notification.objects.filter(user=manager, kind="staff.thread_assigned").count() == 1


def test_assigning_to_oneself_tells_nobody_and_the_same_assignee_writes_nothing(clinic, chat, desk):
    thread_assign(clinic=clinic, thread=chat, assignee=desk, actor=desk)
    thread_assign(clinic=clinic, thread=chat, assignee=desk, actor=desk)
    assert not Notification.objects.filter(kind="staff.thread_assigned").exists()
    assert AuditEntry.objects.filter(changes__has_key="assignee").count() == 1


def test_therapists_may_not_assign_and_nothing_changes(clinic, chat, nurse, desk):
    with pytest.raises(MessageError) as refused:
        thread_assign(clinic=clinic, thread=chat, assignee=nurse, actor=nurse)
    assert refused.value.code == RecordsErrorCode.ROLE_NOT_ALLOWED
    assert refused.value.field == "assignee"
    chat.refresh_from_db()
    assert chat.assigned_to is None
    assert not AuditEntry.objects.filter(changes__has_key="assignee").exists()


def test_only_the_clinics_staff_can_be_assigned(clinic, other_clinic, chat, desk):
    outsider = MembershipFactory(clinic=other_clinic, role="staff").user
    with pytest.raises(MessageError) as refused:
        thread_assign(clinic=clinic, thread=chat, assignee=outsider, actor=desk)
    assert (refused.value.field, refused.value.code) == ("assignee", RecordsErrorCode.NOT_STAFF)
    with pytest.raises(MessageError) as refused:
        thread_assign(clinic=clinic, thread=chat, assignee=chat.client.user, actor=desk)
    assert refused.value.code == RecordsErrorCode.NOT_STAFF
    chat.refresh_from_db()
    assert chat.assigned_to is None


def test_another_clinics_thread_is_refused(clinic, other_clinic, desk):
    theirs = client_chat(other_clinic, ClientAccountFactory(clinic=other_clinic), "Theirs")
    with pytest.raises(MessageError) as refused:
        thread_assign(clinic=clinic, thread=theirs, assignee=desk, actor=desk)
    assert refused.value.code == RecordsErrorCode.OTHER_CLINIC


# --- Scoping and order ------------------------------------------------------------------


def test_unread_first_then_newest_notices_left_out(clinic, patient, desk):
    read_new = client_chat(clinic, patient, "Read, newest", minutes_ago=1)
    read_new.messages.update(read_at=timezone.now())
    unread_old = client_chat(clinic, patient, "Unread, old", minutes_ago=60)
    unread_new = client_chat(clinic, ClientAccountFactory(clinic=clinic), "Unread", minutes_ago=5)
    thread_start(
        clinic=clinic, client=patient, author=desk, subject="Notice", body="x", kind="notice"
    )
    threads = list(inbox_threads(clinic, user=desk, role="staff"))
    assert ids(threads) == [unread_new.pk, unread_old.pk, read_new.pk]
    assert threads[0].unread == 1 and threads[0].excerpt == "About Unread"
    assert threads[2].unread == 0
    only_unread = inbox_threads(clinic, user=desk, role="staff", unread_only=True)
    assert ids(only_unread) == [unread_new.pk, unread_old.pk]
    assert inbox_unread_count(clinic, user=desk, role="staff") == 2


def test_filters_mine_and_unassigned(clinic, patient, desk, manager):
    mine = client_chat(clinic, patient, "Mine")
    theirs = client_chat(clinic, patient, "Theirs")
    nobodys = client_chat(clinic, patient, "Nobody's")
    thread_assign(clinic=clinic, thread=mine, assignee=desk, actor=manager)
    thread_assign(clinic=clinic, thread=theirs, assignee=manager, actor=manager)
    assert ids(inbox_threads(clinic, user=desk, role="staff", show="mine")) == [mine.pk]
    assert ids(inbox_threads(clinic, user=desk, role="staff", show="unassigned")) == [nobodys.pk]


def test_therapists_see_their_clients_threads_and_those_assigned_to_them(
    clinic, nurse, desk, service, emma
):
    emma.user = nurse
    emma.save()
    seen = ClientAccountFactory(clinic=clinic)
    add_booking(clinic, seen, service, emma, timezone.now() - datetime.timedelta(days=3))
    stranger = ClientAccountFactory(clinic=clinic)
    of_my_client = client_chat(clinic, seen, "My client's")
    assigned = client_chat(clinic, stranger, "Given to me", minutes_ago=10)
    hidden = client_chat(clinic, stranger, "Not mine", minutes_ago=20)
    thread_assign(clinic=clinic, thread=assigned, assignee=nurse, actor=desk)
    visible = ids(inbox_threads(clinic, user=nurse, role="therapist"))
    assert visible == [of_my_client.pk, assigned.pk]
    assert hidden.pk not in visible
    assert inbox_unread_count(clinic, user=nurse, role="therapist") == 2


# --- The page -------------------------------------------------------------------------


def test_inbox_page_lists_pages_and_assigns_within_the_query_budget(
    clinic, desk, nurse, django_assert_max_num_queries
):
    for n in range(35):
        client_chat(clinic, ClientAccountFactory(clinic=clinic), f"Question {n}", minutes_ago=n)
    admin = admin_client_for(desk, clinic)
    with django_assert_max_num_queries(40):
        page = admin.get(INBOX)
    assert page.status_code == 200
    html = page.content.decode()
    assert html.count("data-thread=") == 30 and "Page 1 of 2" in html
    assert "Inbox (35)" in html  # the menu's badge
    assert "Question 0" in html and "Question 34" not in html
    assert "Question 34" in admin.get(INBOX + "?page=2").content.decode()
    assert AuditEntry.objects.filter(
        actor=desk, action="view", summary="Viewed the inbox (all; page 2, 5 shown)"
    ).exists()

    first = MessageThread.objects.get(subject="Question 0")
    response = admin.post(
        reverse("clinic_inbox:assign", args=[first.pk]),
        {"assignee": str(nurse.pk), "next": INBOX + "?show=all"},
    )
    assert response.status_code == 302 and response["Location"] == INBOX + "?show=all"
    first.refresh_from_db()
    assert first.assigned_to == nurse
    mine = admin_client_for(nurse, clinic).get(INBOX + "?show=mine").content.decode()
    assert "Question 0" in mine and "Question 1<" not in mine


def test_another_clinics_thread_answers_404_and_therapists_cannot_assign(
    clinic, other_clinic, desk, nurse, chat
):
    theirs = client_chat(other_clinic, ClientAccountFactory(clinic=other_clinic), "Theirs")
    admin = admin_client_for(desk, clinic)
    assert (
        admin.post(reverse("clinic_inbox:assign", args=[theirs.pk]), {"assignee": ""}).status_code
        == 404
    )
    assert "Theirs" not in admin.get(INBOX).content.decode()

    thread_assign(clinic=clinic, thread=chat, assignee=nurse, actor=desk)
    room = admin_client_for(nurse, clinic)
    room.post(reverse("clinic_inbox:assign", args=[chat.pk]), {"assignee": ""})
    chat.refresh_from_db()
    assert chat.assigned_to == nurse


def test_a_therapist_opens_and_answers_a_thread_assigned_to_them_only(
    clinic, patient, desk, nurse, chat
):
    other = client_chat(clinic, patient, "Not given")
    room = admin_client_for(nurse, clinic)
    url = reverse("client_records:message_thread", args=[patient.pk, chat.pk])
    assert room.get(url).status_code == 404
    thread_assign(clinic=clinic, thread=chat, assignee=nurse, actor=desk)
    page = room.get(url)
    assert page.status_code == 200 and "About Swelling after filler" in page.content.decode()
    room.post(url, {"body": "Cold compress, and call us if it worsens."})
    assert chat.messages.filter(sender="clinic", author=nurse).exists()
    assert (
        room.get(reverse("client_records:message_thread", args=[patient.pk, other.pk])).status_code
        == 404
    )


def test_a_therapist_opens_their_own_clients_thread_from_the_inbox(
    clinic, nurse, desk, service, emma
):
    emma.user = nurse
    emma.save()
    seen = ClientAccountFactory(clinic=clinic)
    add_booking(clinic, seen, service, emma, timezone.now() - datetime.timedelta(days=3))
    thread = client_chat(clinic, seen, "Swelling after peel")
    room = admin_client_for(nurse, clinic)
    inbox = room.get(reverse("clinic_inbox:list")).content.decode()
    url = reverse("client_records:message_thread", args=[seen.pk, thread.pk])
    assert f'href="{url}"' in inbox
    page = room.get(url)
    assert page.status_code == 200 and "Swelling after peel" in page.content.decode()
