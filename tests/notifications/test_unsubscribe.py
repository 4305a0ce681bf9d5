"""One-click unsubscribe (RFC 8058): marketing and reminder emails carry the headers and
a footer link; GET only asks, POST (from the page or the mail program) switches off that
one preference for that one clinic. A tampered or foreign token does nothing."""

import re

import pytest
from django.core import mail

from notifications.models import Preferences
from notifications.services import Category, Channel, notify, preferences_update
from notifications.unsubscribe import unsubscribe_token
from tests.fixtures.clinics import host_client

pytestmark = pytest.mark.django_db


def _email(clinic, user, category, key, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        notify(
            clinic=clinic,
            user=user,
            kind="test",
            category=category,
            title="Spring offer",
            body="20% off peels this month.",
            idempotency_key=key,
            channels=[Channel.EMAIL],
        )
    return mail.outbox[-1]


def test_marketing_email_unsubscribes_in_one_click(
    clinic, patient, django_capture_on_commit_callbacks
):
    preferences_update(clinic=clinic, user=patient.user, marketing_email=True)
    message = _email(
        clinic, patient.user, Category.MARKETING, "offer-1", django_capture_on_commit_callbacks
    )
    assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    url = re.fullmatch(r"<(.+)>", message.extra_headers["List-Unsubscribe"]).group(1)
    assert url.startswith("https://glow.localhost/unsubscribe/")
    assert url in message.body
    path = url.removeprefix("https://glow.localhost")

    portal = host_client(clinic)
    page = portal.get(path)  # a link scanner's GET changes nothing
    assert page.status_code == 200
    assert Preferences.objects.get(clinic=clinic, user=patient.user).marketing_email

    # What a mail program posts for one-click: no session, no CSRF token.
    portal = host_client(clinic)
    portal.handler.enforce_csrf_checks = True
    response = portal.post(path, {"List-Unsubscribe": "One-Click"})
    assert response.status_code == 200
    prefs = Preferences.objects.get(clinic=clinic, user=patient.user)
    assert not prefs.marketing_email
    assert prefs.reminder_email and prefs.booking_email  # only that one switch


def test_reminders_unsubscribe_from_reminder_email(
    clinic, patient, django_capture_on_commit_callbacks
):
    message = _email(
        clinic, patient.user, Category.REMINDER, "rem-1", django_capture_on_commit_callbacks
    )
    path = re.fullmatch(r"<https://[^/]+(.+)>", message.extra_headers["List-Unsubscribe"]).group(1)
    host_client(clinic).post(path)
    prefs = Preferences.objects.get(clinic=clinic, user=patient.user)
    assert not prefs.reminder_email
    assert prefs.reminder_sms


def test_booking_emails_have_no_unsubscribe(clinic, patient, django_capture_on_commit_callbacks):
    message = _email(
        clinic, patient.user, Category.BOOKING, "book-1", django_capture_on_commit_callbacks
    )
    assert "List-Unsubscribe" not in message.extra_headers


def test_a_token_only_works_at_its_own_clinic(clinic, other_clinic, patient):
    token = unsubscribe_token(clinic=clinic, user=patient.user, field="marketing_email")
    preferences_update(clinic=other_clinic, user=patient.user, marketing_email=True)
    assert host_client(other_clinic).post(f"/unsubscribe/{token}/").status_code == 404
    assert Preferences.objects.get(clinic=other_clinic, user=patient.user).marketing_email


def test_a_tampered_token_is_refused(clinic, patient):
    token = unsubscribe_token(clinic=clinic, user=patient.user, field="marketing_email")
    forged = token[:-3] + ("aaa" if not token.endswith("aaa") else "bbb")
    assert host_client(clinic).post(f"/unsubscribe/{forged}/").status_code == 404
