"""A walk-in known by phone only (issue 12): the desk adds them without an email, no
email is sent (none can be), a phone another client has is refused naming the field,
and "Save and book" goes straight on to booking them in; the booking works and its
messages go by SMS where the client allows it."""

import json
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from django.core import mail
from django.test import Client

from booking_api.calendar_invites import booking_ics
from booking_api.models import Booking
from people.models import AuditEntry, ClientAccount, User
from people.services import client_add_at_desk
from tests.factories.clients import ClientAccountFactory
from tests.fixtures.booking import MONDAY, add_booking, at

pytestmark = pytest.mark.django_db

INVITE = "/admin/clinic/clients/invite/"


def signed_in(user, clinic):
    client = Client(HTTP_HOST=clinic.site.hostname)
    client.force_login(user)
    return client


def walk_in(**extra):
    return {"first_name": "Pat", "last_name": "Phone", "phone": "07700 900777", **extra}


def test_a_phone_only_walk_in_is_added_and_booked_straight_away(
    clinic, open_policy, service, emma, staff_user, django_capture_on_commit_callbacks
):
    client = signed_in(staff_user, clinic)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(INVITE, walk_in(then="book"))
    account = ClientAccount.objects.get(clinic=clinic, phone="+447700900777")
    assert account.user.email is None and not account.user.has_usable_password()
    assert account.name == "Pat Phone" and mail.outbox == []
    assert response.status_code == 302
    assert response.url == f"/admin/bookings/calendar/new/?client={account.pk}"
    page = BeautifulSoup(client.get(response.url).content.decode(), "html.parser")
    chosen = page.select_one("[data-chosen-client]").get_text(" ", strip=True)
    assert "Pat Phone" in chosen and "+447700900777" in chosen and "None" not in chosen
    assert AuditEntry.objects.filter(client=account, summary__contains="phone only").exists()

    # Booking them in from that page: no email goes (there is none), nothing breaks.
    with django_capture_on_commit_callbacks(execute=True):
        booked = client.post(
            response.url,
            {
                "client": account.pk,
                "service": service.pk,
                "staff": emma.pk,
                "date": MONDAY.isoformat(),
                "time": "10:00",
            },
        )
    assert booked.status_code == 302, booked.content.decode()[:2000]
    booking = Booking.objects.get(client=account)
    assert booking.service == service
    assert mail.outbox == []
    detail = client.get(f"/admin/clinic/clients/{account.pk}/").content.decode()
    assert "No email (phone only)" in detail


def test_two_phone_only_clients_fit_and_a_taken_phone_is_refused_naming_the_field(
    clinic, staff_user
):
    client = signed_in(staff_user, clinic)
    client.post(INVITE, walk_in(then="client"))
    client.post(INVITE, walk_in(first_name="Sam", phone="07700 900778", then="client"))
    assert User.objects.filter(email__isnull=True).count() == 2

    ClientAccountFactory(clinic=clinic, phone="+447700900779")
    again = client.post(INVITE, walk_in(phone="+44 7700 900779", then="book"))
    assert again.status_code == 200
    assert list(again.context["form"].errors) == ["phone"]
    assert ClientAccount.objects.filter(clinic=clinic, phone="+447700900779").count() == 1


def test_email_or_phone_is_required_and_an_invitation_needs_an_email(clinic, staff_user):
    client = signed_in(staff_user, clinic)
    neither = client.post(INVITE, walk_in(phone="", then="book"))
    assert neither.status_code == 200
    assert list(neither.context["form"].errors) == ["email"]
    invite = client.post(INVITE, walk_in(invite="on", then="book"))
    assert list(invite.context["form"].errors) == ["email"]
    assert "invitation" in " ".join(invite.context["form"].errors["email"])
    assert not ClientAccount.objects.filter(user__first_name="Pat").exists()
    assert mail.outbox == []


def test_a_phone_only_client_gets_texts_not_emails(
    clinic, staff_user, settings, tmp_path, django_capture_on_commit_callbacks
):
    from notifications.services import Category, notify

    settings.SMS_BACKEND = "file"
    settings.SMS_FILE_PATH = tmp_path / "sms"
    signed_in(staff_user, clinic).post(INVITE, walk_in(then="client"))
    account = ClientAccount.objects.get(clinic=clinic, phone="+447700900777")
    with django_capture_on_commit_callbacks(execute=True):
        notify(
            clinic=clinic,
            user=account.user,
            kind="booking.reminder",
            category=Category.REMINDER,
            title="Reminder",
            body="See you tomorrow",
            phone=account.phone,
            idempotency_key="walk-in-reminder",
        )
    assert mail.outbox == []
    (text,) = [json.loads(p.read_text()) for p in (tmp_path / "sms").glob("*.json")]
    assert text["to"] == "+447700900777"


# --- A phone-only client at the other doors: the API, calendar invites, the practice sync


def phone_only(clinic):
    account = client_add_at_desk(clinic=clinic, first_name="Pat", phone="+447700900123")
    assert ClientAccount.objects.get(pk=account.pk).user.email is None
    return account


def test_the_me_api_answers_email_null_and_its_schema_says_it_may_be(clinic, api):
    account = phone_only(clinic)
    api.force_authenticate(account.user)
    body = api.get("/api/v1/me").json()
    assert body["email"] is None and body["phone"] == "+447700900123"
    schema = api.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json").json()
    assert schema["components"]["schemas"]["Me"]["properties"]["email"]["nullable"] is True
    docs = (Path(__file__).resolve().parents[2] / "docs" / "api.md").read_text()
    assert "`email` is null for a client known by phone only" in docs


def test_a_phone_only_clients_calendar_invite_names_no_email(clinic, service, emma):
    account = phone_only(clinic)
    booking = add_booking(clinic, account, service, emma, at(MONDAY, "10:00"))
    text = booking_ics(booking).decode()
    assert "None" not in text
    assert "ATTENDEE" not in text
    assert "ORGANIZER" in text and "BEGIN:VEVENT" in text
    # A client with an email is still the attendee.
    booking.client = ClientAccountFactory(clinic=clinic)
    assert f"mailto:{booking.client.user.email}" in booking_ics(booking).decode()
