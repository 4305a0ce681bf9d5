"""Messages: staff start a chat or send a one-way notice, the patient replies in the
portal and the API, staff see unread counts; everything staff do is audited."""

import pytest
from django.urls import reverse

from notifications.models import Notification
from people.models import AuditEntry
from records.models import Message, MessageThread
from tests.factories.clients import ClientAccountFactory, MembershipFactory
from tests.fixtures.clinics import host_client

pytestmark = pytest.mark.django_db


@pytest.fixture
def vet_api(vet, owner):
    from rest_framework.test import APIClient

    api = host_client(vet, APIClient)
    api.force_authenticate(owner.user)
    return api


def new_url(account):
    return reverse("client_records:message_new", kwargs={"client_pk": account.pk})


def thread_url(account, thread):
    return reverse(
        "client_records:message_thread", kwargs={"client_pk": account.pk, "thread_id": thread.pk}
    )


def detail(admin, account):
    return admin.get(reverse("clinic_workspace:client_detail", kwargs={"pk": account.pk}))


def test_chat_round_trip_staff_patient_staff_with_unread_counts(
    vet, owner, vet_admin, vet_portal, vet_api, vet_staff
):
    response = vet_admin.post(
        new_url(owner),
        {"kind": "chat", "subject": "Biscuit's results", "body": "All clear! Any questions?"},
    )
    thread = MessageThread.objects.get(client=owner)
    assert response.status_code == 302
    # The patient is told through the outbox, by their preferences for clinic messages.
    note = Notification.objects.get(user=owner.user, kind="message.chat")
    assert note.category == "message" and "All clear" in note.body

    threads = vet_api.get("/api/v1/messages").json()["results"]
    assert [(t["id"], t["unread"], t["accepts_replies"]) for t in threads] == [(thread.pk, 1, True)]
    opened = vet_api.get(f"/api/v1/messages/{thread.pk}").json()
    assert [m["body"] for m in opened["messages"]] == ["All clear! Any questions?"]
    assert opened["messages"][0]["read_at"] is not None
    assert vet_api.get("/api/v1/messages").json()["results"][0]["unread"] == 0

    reply = vet_api.post(
        "/api/v1/messages",
        {"thread": thread.pk, "body": "Thanks! Can he eat tonight?"},
        format="json",
    )
    assert reply.status_code == 201
    vet_portal.post(
        reverse("portal:message_thread", kwargs={"thread_id": thread.pk}), {"body": "And walk?"}
    )

    page = detail(vet_admin, owner).content.decode()
    assert "Messages (2 unread)" in page
    opened = vet_admin.get(thread_url(owner, thread))
    assert "Can he eat tonight?" in opened.content.decode()
    assert "Messages (2 unread)" not in detail(vet_admin, owner).content.decode()
    assert not Message.objects.filter(sender="client", read_at__isnull=True).exists()

    vet_admin.post(thread_url(owner, thread), {"body": "Yes to both."})
    portal_page = vet_portal.get(
        reverse("portal:message_thread", kwargs={"thread_id": thread.pk})
    ).content.decode()
    assert (
        portal_page.index("All clear")
        < portal_page.index("Can he eat tonight?")
        < portal_page.index("Yes to both.")
    )

    summaries = list(
        AuditEntry.objects.filter(client=owner, actor=vet_staff).values_list("summary", flat=True)
    )
    assert "Sent chat “Biscuit's results”" in summaries
    assert "Replied in “Biscuit's results”" in summaries
    assert "Read messages “Biscuit's results”" in summaries


def test_a_one_way_notice_takes_no_replies(vet, owner, vet_admin, vet_api, vet_portal):
    vet_admin.post(
        new_url(owner), {"kind": "notice", "subject": "Closed Monday", "body": "Bank holiday."}
    )
    thread = MessageThread.objects.get()
    response = vet_api.post("/api/v1/messages", {"thread": thread.pk, "body": "ok"}, format="json")
    assert response.status_code == 400 and response.json()["field"] == "thread"
    assert (
        vet_portal.post(
            reverse("portal:message_thread", kwargs={"thread_id": thread.pk}), {"body": "ok"}
        ).status_code
        == 404
    )
    assert Message.objects.count() == 1


def test_an_empty_message_is_refused_naming_the_field(vet, owner, vet_admin, vet_api):
    response = vet_admin.post(new_url(owner), {"kind": "chat", "subject": "Hi", "body": "   "})
    assert response.status_code == 200 and "body" in response.context["form"].errors
    assert not MessageThread.objects.exists()
    vet_admin.post(new_url(owner), {"kind": "chat", "subject": "Hi", "body": "Hello"})
    thread = MessageThread.objects.get()
    response = vet_api.post("/api/v1/messages", {"thread": thread.pk, "body": ""}, format="json")
    assert response.status_code == 400 and "body" in response.json()["errors"]


def test_another_persons_thread_is_not_found_through_any_door(
    vet, owner, vet_admin, vet_api, glow_on
):
    neighbour = ClientAccountFactory(clinic=vet)
    vet_admin.post(new_url(neighbour), {"kind": "chat", "subject": "Private", "body": "Secret"})
    theirs = MessageThread.objects.get(client=neighbour)

    assert vet_api.get("/api/v1/messages").json()["results"] == []
    assert vet_api.get(f"/api/v1/messages/{theirs.pk}").status_code == 404
    assert (
        vet_api.post(
            "/api/v1/messages", {"thread": theirs.pk, "body": "hi"}, format="json"
        ).status_code
        == 404
    )
    portal = host_client(vet)
    portal.force_login(owner.user)
    assert (
        portal.get(reverse("portal:message_thread", kwargs={"thread_id": theirs.pk})).status_code
        == 404
    )
    # Neighbour's own login on another clinic's domain.
    from rest_framework.test import APIClient

    elsewhere = host_client(glow_on, APIClient)
    elsewhere.force_authenticate(neighbour.user)
    assert elsewhere.get(f"/api/v1/messages/{theirs.pk}").status_code == 404
    # Staff: another client's id in the URL, or another clinic's staff.
    assert vet_admin.get(thread_url(owner, theirs)).status_code == 404
    glow_staff = host_client(glow_on)
    glow_staff.force_login(MembershipFactory(clinic=glow_on, role="manager").user)
    assert glow_staff.get(thread_url(neighbour, theirs)).status_code == 404
    assert (
        glow_staff.post(
            new_url(neighbour), {"kind": "chat", "subject": "x", "body": "y"}
        ).status_code
        == 404
    )
    assert Message.objects.count() == 1


def test_the_clients_list_shows_unread_messages_per_client(vet, owner, vet_admin, vet_api):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    quiet = ClientAccountFactory(clinic=vet)
    vet_admin.post(new_url(owner), {"kind": "chat", "subject": "Hi", "body": "Hello"})
    thread = MessageThread.objects.get()
    for body in ("One", "Two"):
        vet_api.post("/api/v1/messages", {"thread": thread.pk, "body": body}, format="json")
    with CaptureQueriesContext(connection) as few:
        page = vet_admin.get(reverse("clinic_workspace:clients")).content.decode()
    assert 'data-unread-messages="2"' in page and page.count("data-unread-messages") == 1
    assert quiet.name in page
    ClientAccountFactory.create_batch(10, clinic=vet)
    with CaptureQueriesContext(connection) as many:
        vet_admin.get(reverse("clinic_workspace:clients"))
    assert len(many) == len(few)  # one query for the counts, however many rows


def test_the_new_message_page_names_the_clinic(vet, owner, vet_portal):
    html = vet_portal.get(reverse("portal:message_new")).content.decode()
    assert f"Write to {vet.name}; the team will answer here." in html


def test_notifications_show_a_short_notice_without_the_email_body_or_token_links(
    vet, owner, vet_portal
):
    body = (
        "Your booking on 9 December is confirmed. Add it to your calendar: "
        "https://example.com/cal.ics Manage it here https://vet.example/b/X?token=abc.def "
        "The receipt is attached."
    )
    Notification.objects.create(
        clinic=vet,
        user=owner.user,
        kind="booking_confirmed",
        category="booking",
        title="Booking confirmed",
        body=body,
        url="/bookings/X/",
        idempotency_key="n1",
    )
    html = vet_portal.get("/notifications/").content.decode()
    assert "Booking confirmed" in html and 'class="unread"' in html
    assert "Your booking on 9 December is confirmed." in html
    assert "token=" not in html and "cal.ics" not in html and "receipt is attached" not in html
    assert 'value="/bookings/X/"' in html and "Open" in html
