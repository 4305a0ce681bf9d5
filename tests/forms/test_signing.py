"""Completing and signing a consent form: the immutable record, its PDF, and who can
reach it."""

import datetime
import io

import pytest
from django.utils import timezone
from pypdf import PdfReader

from branding.errors import DomainError
from people.models.append_only import ImmutableRecordError
from records.documents.selectors import FormStatus, forms_for_client
from records.documents.services import add_months
from records.models import SignedForm
from tests.factories.clients import ClientAccountFactory
from tests.factories.forms import FormTemplateFactory
from tests.fixtures.clinics import host_client
from tests.fixtures.forms import GOOD, answers_for, drawn_signature, sign

pytestmark = pytest.mark.django_db


def pdf_text(signed):
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(bytes(signed.pdf))).pages)


def test_signing_keeps_answers_signature_and_a_pdf_with_the_answers(consent, patient):
    signed = sign(consent, patient, signature=drawn_signature())
    assert signed.answers[answers_for(consent, **{"Skin type": "x"}).popitem()[0]] == "Oily"
    assert signed.signature_method == "drawn" and bytes(signed.signature_png)[:4] == b"\x89PNG"
    assert signed.typed_name == "Ada Lovelace"
    assert signed.expires_at.date() == add_months(signed.signed_at, 12).date()
    text = pdf_text(signed)
    for expected in ("Laser consent", "Skin type", "Oily", "Are you pregnant?", "No", "Friend"):
        assert expected in text
    assert "Ada Lovelace" in text


def test_the_typed_name_alone_is_a_signature(consent, patient):
    signed = sign(consent, patient, signature="")
    assert signed.signature_method == "typed" and bytes(signed.signature_png) == b""
    assert "typed name as signature" in pdf_text(signed)


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"typed_name": "   "}, "typed_name"),
        ({"signature": "data:image/png;base64,bm90IGEgcG5n"}, "signature"),
        ({"signature": "javascript:alert(1)"}, "signature"),
    ],
)
def test_bad_signatures_are_refused_naming_the_field(consent, patient, overrides, field):
    with pytest.raises(DomainError) as error:
        sign(consent, patient, **overrides)
    assert error.value.field == field
    assert not SignedForm.objects.exists()


def test_a_missing_required_answer_names_the_question(consent, patient):
    answers = answers_for(consent, **{**GOOD, "Skin type": ""})
    with pytest.raises(DomainError) as error:
        sign(consent, patient, answers=answers)
    assert error.value.field == answers_for(consent, **{"Skin type": ""}).popitem()[0]
    assert "Skin type" in error.value.message
    assert not SignedForm.objects.exists()


def test_a_signed_form_cannot_be_changed_or_deleted(consent, patient):
    signed = sign(consent, patient)
    signed.typed_name = "Someone else"
    with pytest.raises(ImmutableRecordError):
        signed.save()
    with pytest.raises(ImmutableRecordError):
        signed.delete()
    with pytest.raises(ImmutableRecordError):
        SignedForm.objects.filter(pk=signed.pk).update(typed_name="x")
    with pytest.raises(ImmutableRecordError):
        SignedForm.objects.all().delete()
    assert SignedForm.objects.get().typed_name == "Ada Lovelace"


def test_editing_the_template_later_leaves_the_signed_questions_alone(consent, patient):
    signed = sign(consent, patient)
    consent.fields = [{"type": "text", "value": {"label": "New question", "required": True}}]
    consent.save()
    signed = SignedForm.objects.get(pk=signed.pk)
    assert [q["label"] for q in signed.questions][0] == "Skin type"


def test_status_moves_from_pending_to_signed_to_renewal_due_to_expired(consent, patient):
    assert forms_for_client(consent.clinic, patient)[0].status == FormStatus.PENDING
    signed = sign(consent, patient)
    assert forms_for_client(consent.clinic, patient)[0].status == FormStatus.SIGNED
    soon = signed.expires_at - datetime.timedelta(days=10)
    assert forms_for_client(consent.clinic, patient, now=soon)[0].status == FormStatus.RENEWAL_DUE
    later = signed.expires_at + datetime.timedelta(days=1)
    assert forms_for_client(consent.clinic, patient, now=later)[0].status == FormStatus.EXPIRED


def test_add_months_clamps_to_the_month_end():
    moment = timezone.make_aware(datetime.datetime(2027, 1, 31, 12))
    assert add_months(moment, 1).date() == datetime.date(2027, 2, 28)
    assert add_months(moment, 12).date() == datetime.date(2028, 1, 31)


# --- Portal ------------------------------------------------------------------------------


def test_the_patient_signs_in_the_portal_and_downloads_the_pdf(clinic, consent, patient):
    portal = host_client(clinic)
    portal.force_login(patient.user)
    page = portal.get("/documents/")
    assert "Laser consent" in page.content.decode() and "Not signed yet" in page.content.decode()
    form_page = portal.get(f"/documents/forms/{consent.pk}/sign/")
    assert form_page.status_code == 200 and "Are you pregnant?" in form_page.content.decode()
    response = portal.post(
        f"/documents/forms/{consent.pk}/sign/",
        {**answers_for(consent, **GOOD), "typed_name": "Ada Lovelace", "signature": ""},
        REMOTE_ADDR="203.0.113.9",
    )
    assert response.status_code == 302 and response["Location"] == "/documents/"
    signed = SignedForm.objects.get()
    assert signed.client == patient and signed.ip_address == "203.0.113.9"
    listing = portal.get("/documents/").content.decode()
    assert "Nothing to sign at the moment" in listing
    pdf = portal.get(f"/documents/signed/{signed.pk}.pdf")
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    assert pdf.content == bytes(signed.pdf) and "no-store" in pdf["Cache-Control"]


def test_a_missing_answer_is_shown_on_the_page_and_nothing_is_signed(clinic, consent, patient):
    portal = host_client(clinic)
    portal.force_login(patient.user)
    response = portal.post(
        f"/documents/forms/{consent.pk}/sign/",
        {**answers_for(consent, **{**GOOD, "Are you pregnant?": ""}), "typed_name": "Ada"},
    )
    assert response.status_code == 200
    assert response.context["answers_form"].errors
    assert not SignedForm.objects.exists()


def test_another_patients_or_clinics_forms_are_not_found(clinic, other_clinic, consent, patient):
    theirs = sign(consent, ClientAccountFactory(clinic=clinic))
    elsewhere = FormTemplateFactory(clinic=other_clinic, title="Vet consent")
    portal = host_client(clinic)
    portal.force_login(patient.user)
    assert portal.get(f"/documents/signed/{theirs.pk}.pdf").status_code == 404
    assert portal.get(f"/documents/forms/{elsewhere.pk}/sign/").status_code == 404
    # The same person at the other clinic's domain cannot reach this clinic's records.
    mine = sign(consent, patient)
    abroad = host_client(other_clinic)
    abroad.force_login(patient.user)
    assert abroad.get(f"/documents/signed/{mine.pk}.pdf").status_code == 404
    assert abroad.get(f"/documents/forms/{consent.pk}/sign/").status_code == 404


def test_documents_need_signing_in(clinic, consent):
    response = host_client(clinic).get("/documents/")
    assert response.status_code == 302 and "login" in response["Location"]
