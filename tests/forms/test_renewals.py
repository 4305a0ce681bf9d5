"""Renewal reminders: one per signed form due for renewal, however often the task runs."""

import datetime

import pytest
from django.core import mail
from django.utils import timezone

from records import tasks
from records.documents.services import form_renewal_reminders_send
from records.models import FormReminder
from tests.factories.clients import ClientAccountFactory
from tests.fixtures.forms import sign

pytestmark = pytest.mark.django_db


def renewal_mails(user):
    return [m for m in mail.outbox if m.to == [user.email] and "sign" in m.subject.lower()]


def test_a_form_due_for_renewal_is_reminded_once(
    consent, patient, django_capture_on_commit_callbacks
):
    signed = sign(consent, patient)
    assert form_renewal_reminders_send() == 0  # a year to go: nothing yet
    soon = signed.expires_at - datetime.timedelta(days=20)
    with django_capture_on_commit_callbacks(execute=True):
        assert form_renewal_reminders_send(now=soon) == 1
        assert form_renewal_reminders_send(now=soon) == 0
        assert form_renewal_reminders_send(now=soon + datetime.timedelta(days=30)) == 0
    assert FormReminder.objects.count() == 1
    [message] = renewal_mails(patient.user)
    assert "Laser consent" in message.subject
    assert f"/documents/forms/{consent.pk}/sign/" in message.body


def test_only_the_newest_signature_of_a_form_is_reminded(consent, patient):
    old = sign(consent, patient)
    newest = sign(consent, patient)  # signed again: the old record is history
    soon = old.expires_at - datetime.timedelta(days=20)
    assert form_renewal_reminders_send(now=soon) == 1
    assert FormReminder.objects.get().signed_form_id == newest.pk


def test_the_scheduled_task_runs_and_archived_clients_or_retired_forms_are_skipped(
    clinic, consent, patient
):
    archived = ClientAccountFactory(clinic=clinic, archived_at=timezone.now())
    sign(consent, archived)
    sign(consent, patient)
    assert tasks.send_form_renewal_reminders() == 0
    consent.active = False
    consent.save()
    # Expired long ago, but the form is no longer asked for.
    assert form_renewal_reminders_send(now=timezone.now() + datetime.timedelta(days=400)) == 0
    assert renewal_mails(patient.user) == [] and renewal_mails(archived.user) == []
