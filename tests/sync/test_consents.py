"""Consent forms signed in the portal go to the practice system (issue 14, pushes):
once each, with the signed PDF, for the client as the practice system knows them;
forms signed before the connection was made are not sent."""

import base64
import datetime
import hashlib

import pytest
from django.utils import timezone

from sync.models import ClientLink, FormLink, SyncConnection, SyncRecordError
from sync.services.runner import connection_run
from tests.factories.forms import FormTemplateFactory
from tests.fixtures.forms import sign

pytestmark = pytest.mark.django_db


def test_a_signed_consent_form_is_sent_once_with_its_pdf(vet, owner, practice, practice_connection):
    template = FormTemplateFactory(clinic=vet, title="Anaesthetic consent")
    sign(template, owner)  # before the connection: history, not sent
    SyncConnection.objects.filter(pk=practice_connection.pk).update(created_at=timezone.now())
    signed = sign(template, owner, typed_name="Ann Lee")

    run = connection_run(connection_id=practice_connection.pk)
    assert run.status == "succeeded", run.error
    assert run.counts["pushed"]["consents"] == 1
    sent = [r for r in practice.requests if r["path"] == "/consents"]
    assert len(sent) == 1
    request = sent[0]
    assert request["method"] == "POST"
    assert request["headers"]["Authorization"] == "Bearer test-key"
    client_id = ClientLink.objects.get(client=owner).external_id
    body = request["body"]
    pdf = base64.b64decode(body.pop("pdf_base64"))
    assert pdf == bytes(signed.pdf) and pdf.startswith(b"%PDF")
    assert body == {
        "client_id": client_id,
        "title": "Anaesthetic consent",
        "signed_at": signed.signed_at.isoformat(),
        "expires_at": signed.expires_at.isoformat() if signed.expires_at else None,
        "signed_by": "Ann Lee",
        "signature": "typed",
        "questions": signed.questions,
        "answers": signed.answers,
        "pdf_sha256": hashlib.sha256(pdf).hexdigest(),
        "portal_reference": f"signed-form-{signed.pk}",
    }
    # The client went first, so the form has someone to belong to there.
    paths = [r["path"] for r in practice.requests if r["method"] == "POST"]
    assert paths.index("/clients") < paths.index("/consents")
    link = FormLink.objects.get(signed_form=signed)
    assert practice.consents[link.external_id]["title"] == "Anaesthetic consent"

    practice.requests.clear()
    again = connection_run(connection_id=practice_connection.pk, now=timezone.now())
    assert again.counts["pushed"]["consents"] == 0
    assert not [r for r in practice.requests if r["path"] == "/consents"]
    assert FormLink.objects.count() == 1


def test_a_consent_the_practice_refuses_is_listed_for_staff_and_sent_again_later(
    vet, owner, practice, practice_connection
):
    template = FormTemplateFactory(clinic=vet, title="Laser consent")
    SyncConnection.objects.filter(pk=practice_connection.pk).update(
        created_at=timezone.now() - datetime.timedelta(minutes=1)
    )
    signed = sign(template, owner)
    link = ClientLink.objects.create(clinic=vet, client=owner, external_id="not-there")
    run = connection_run(connection_id=practice_connection.pk)
    assert run.status == "succeeded", run.error
    assert run.counts["pushed"]["consents"] == 0
    assert not FormLink.objects.exists()
    error = SyncRecordError.objects.get(resource="consents")
    assert error.external_id == f"signed-form-{signed.pk}"
    assert "Laser consent" in error.message and "No such client" in error.message
    assert "pdf_base64" not in error.raw

    # The client is found there after all: the next run sends it and clears the error.
    practice.put("clients", {"id": "not-there", "email": owner.user.email})
    again = connection_run(connection_id=practice_connection.pk, now=timezone.now())
    assert again.counts["pushed"]["consents"] == 1
    assert FormLink.objects.get(signed_form=signed).external_id in practice.consents
    error.refresh_from_db()
    assert error.resolved_at is not None
    assert link.external_id == practice.consents[FormLink.objects.get().external_id]["client_id"]
