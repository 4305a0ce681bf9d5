"""The client account's Communication log: everything told to the client, newest first,
by channel and delivery status, in the clinic's time zone, paged — including the
account emails allauth sends itself (sign-in codes), which notifications now records
(out of the client's notification centre). Staff read subjects, never codes or links."""

import datetime

import pytest
from bs4 import BeautifulSoup
from django.test import Client

from notifications.models import Delivery, DeliveryStatus, Notification
from notifications.selectors import unread_count
from notifications.services import notify
from tests.fixtures.people import last_email_to, login_code_in

pytestmark = pytest.mark.django_db


def log_of(user, clinic, account, query=""):
    client = Client(HTTP_HOST=clinic.site.hostname)
    client.force_login(user)
    query = "?tab=communication" + (f"&{query[1:]}" if query else "")
    response = client.get(f"/admin/clinic/clients/{account.pk}/{query}")
    assert response.status_code == 200
    return BeautifulSoup(response.content, "html.parser").select_one(
        '[data-account-tab="communication"]'
    )


def tell(clinic, account, key, title, *, channels, body="", url="", category="booking"):
    return notify(
        clinic=clinic,
        user=account.user,
        kind=key,
        category=category,
        title=title,
        body=body,
        url=url,
        idempotency_key=f"test:{key}",
        channels=channels,
        phone="+447700900123",
    )


def test_newest_first_with_channel_status_and_clinic_time(clinic, staff_user, patient):
    clinic.timezone = "America/New_York"
    clinic.save()
    confirmed = tell(clinic, patient, "booking.confirmed", "Booking confirmed", channels=["email"])
    reminder = tell(
        clinic,
        patient,
        "booking.reminder",
        "Reminder: tomorrow",
        channels=["sms", "email"],
        category="reminder",
    )
    secret = tell(
        clinic,
        patient,
        "giftcard.received",
        "You have a gift card",
        body="Your code is GLOW-AB12-CD34",
        url="/gift/?token=s3cr3t",
        channels=["email"],
    )
    at = datetime.datetime(2026, 7, 1, 16, 5, tzinfo=datetime.UTC)  # 12:05 in New York
    Notification.objects.filter(pk=confirmed.pk).update(created_at=at)
    Notification.objects.filter(pk=reminder.pk).update(created_at=at + datetime.timedelta(days=1))
    Notification.objects.filter(pk=secret.pk).update(created_at=at + datetime.timedelta(days=2))
    Delivery.objects.filter(notification=reminder, channel="sms").update(
        status=DeliveryStatus.FAILED, error="carrier said no"
    )
    Delivery.objects.filter(notification=confirmed).update(status=DeliveryStatus.SENT, sent_at=at)

    tab = log_of(staff_user, clinic, patient)

    rows = tab.select("[data-log-entry]")
    assert [int(r["data-log-entry"]) for r in rows] == [secret.pk, reminder.pk, confirmed.pk]
    first = rows[2].get_text(" ", strip=True)
    assert "Booking confirmed" in first and "12:05" in first and "16:05" not in first
    assert "Email: Sent" in first
    reminder_row = rows[1].get_text(" ", strip=True)
    assert "SMS: Failed" in reminder_row and "Email: Waiting to send" in reminder_row
    html = str(tab)
    assert "GLOW-AB12-CD34" not in html and "s3cr3t" not in html
    assert "carrier said no" not in html


def test_a_sign_in_code_email_is_logged_without_the_code(
    clinic, staff_user, verified_patient, portal
):
    before = unread_count(clinic, verified_patient.user)
    portal.post("/accounts/login/code/", {"email": verified_patient.user.email})
    code = login_code_in(last_email_to(verified_patient.user.email))

    tab = log_of(staff_user, clinic, verified_patient)

    entry = tab.select_one("[data-log-entry]").get_text(" ", strip=True)
    assert "Sign-in code" in entry and "Email: Sent" in entry
    assert code not in str(tab)
    # Not an item in the client's own notification centre.
    assert unread_count(clinic, verified_patient.user) == before
    record = Notification.objects.get(clinic=clinic, user=verified_patient.user)
    assert record.in_centre is False and code not in record.title + record.body


def test_the_log_is_paged(clinic, staff_user, patient):
    for n in range(30):
        tell(clinic, patient, f"nudge.{n}", f"Nudge {n}", channels=[], category="marketing")
    first = log_of(staff_user, clinic, patient)
    assert len(first.select("[data-log-entry]")) == 25
    assert first.select_one("[data-log-pages] a[rel=next]")["href"].startswith(
        "?tab=communication&log_page=2"
    )
    second = log_of(staff_user, clinic, patient, "?log_page=2")
    assert len(second.select("[data-log-entry]")) == 5
    assert "Nudge 0" in second.get_text()


def test_nothing_sent_yet_and_another_clients_notifications_stay_out(
    clinic, staff_user, patient, other_clinic
):
    from tests.factories.clients import ClientAccountFactory

    elsewhere = ClientAccountFactory(clinic=other_clinic, user=patient.user)
    tell(other_clinic, elsewhere, "booking.confirmed", "Booked elsewhere", channels=["email"])
    tab = log_of(staff_user, clinic, patient)
    assert tab.select_one("[data-communication-log-empty]")
    assert "Booked elsewhere" not in str(tab)


def test_therapists_do_not_see_the_log(clinic, therapist_user, patient):
    from tests.factories.booking import StaffFactory
    from tests.records.test_client_overview import book

    booking = book(clinic, patient, days=-1, status="completed")
    booking.staff = StaffFactory(clinic=clinic, user=therapist_user)
    booking.save()
    assert log_of(therapist_user, clinic, patient) is None


def test_the_notification_centre_ignores_logged_account_emails(clinic, patient):
    from notifications.selectors import latest_notifications, notifications_for_user
    from notifications.services import sent_elsewhere_record

    sent_elsewhere_record(
        clinic=clinic,
        user=patient.user,
        kind="account.login_code",
        category="account",
        channel="email",
        title="Sign-in code (code not shown)",
    )
    assert list(notifications_for_user(clinic, patient.user)) == []
    assert latest_notifications(clinic, patient.user, limit=5) == ([], 0)
