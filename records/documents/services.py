"""Signing a form, and reminding clients to sign again before it expires."""

import calendar
import hashlib
import logging
import zoneinfo

from django.db import IntegrityError, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from branding.errors import DomainError
from branding.links import portal_reverse
from branding.pdf import render_pdf
from branding.validators import name_is_clean
from notifications.language import speaking_to
from notifications.services import Category, notify
from people.services import request_origin
from records.documents.answers import answer_display, answers_form_class, json_answers
from records.documents.selectors import signed_forms_due_reminder
from records.documents.signature import signature_png_from_data_url
from records.errors import RecordsErrorCode
from records.models import FormReminder, SignatureMethod, SignedForm

log = logging.getLogger(__name__)


class FormError(DomainError):
    pass


def add_months(moment, months):
    """``moment`` plus whole calendar months (31 January + 1 month = 28/29 February)."""
    month_index = moment.month - 1 + months
    year, month = moment.year + month_index // 12, month_index % 12 + 1
    day = min(moment.day, calendar.monthrange(year, month)[1])
    return moment.replace(year=year, month=month, day=day)


def clean_answers(questions, data):
    """The answers as JSON, or a FormError naming the first question at fault."""
    if not hasattr(data, "getlist"):  # JSON from the API: booleans answer yes/no questions
        data = {
            k: {True: "yes", False: "no"}.get(v, v) if isinstance(v, bool) else v
            for k, v in data.items()
        }
    form = answers_form_class(questions)(data)
    if not form.is_valid():
        key, errors = next(iter(form.errors.items()))
        label = form.fields[key].label if key in form.fields else _("The form")
        raise FormError(
            f"{label}: {errors[0]}",
            field=key,
            code=RecordsErrorCode.FORM_ANSWER_INVALID,
        )
    return json_answers(questions, form.cleaned_data)


def signed_form_pdf_context(
    *,
    clinic,
    client,
    title,
    intro,
    questions,
    answers,
    typed_name,
    signature_png,
    signed_at,
    ip_address,
):
    import base64

    return {
        "clinic": clinic,
        "client": client,
        "title": title,
        "intro": intro,
        "rows": [(q["label"], answer_display(q, answers.get(q["key"]))) for q in questions],
        "typed_name": typed_name,
        "signature_src": (
            "data:image/png;base64," + base64.b64encode(signature_png).decode()
            if signature_png
            else ""
        ),
        "signed_at": timezone.localtime(signed_at, zoneinfo.ZoneInfo(clinic.timezone)),
        "ip_address": ip_address,
    }


@transaction.atomic
def signed_form_create(
    *, clinic, client, template, answers, typed_name, signature="", request=None
) -> SignedForm:
    """The client completes and signs ``template``: answers are checked against its
    questions, the drawn signature (a PNG data URL; empty means the typed name alone is
    the signature) is cleaned, and an immutable record with its PDF is stored."""
    if client is None or client.clinic_id != clinic.pk:
        raise FormError(
            _("That client does not belong to this clinic."),
            field="client",
            code=RecordsErrorCode.OTHER_CLINIC,
        )
    if template.clinic_id != clinic.pk or not template.active:
        raise FormError(
            _("That form is not available here."),
            field="template",
            code=RecordsErrorCode.FORM_UNAVAILABLE,
        )
    questions = template.questions()
    cleaned = clean_answers(questions, answers)
    if not name_is_clean((typed_name or "").strip()):
        raise FormError(
            _("The typed name cannot contain “<”, “>” or control characters."),
            field="typed_name",
            code=RecordsErrorCode.NAME_INVALID,
        )
    typed_name = " ".join((typed_name or "").split())
    if not typed_name:
        raise FormError(
            _("Type your full name to sign."), field="typed_name", code=RecordsErrorCode.REQUIRED
        )
    if len(typed_name) > 150:
        raise FormError(
            _("The typed name is too long."), field="typed_name", code=RecordsErrorCode.TOO_LONG
        )
    signature_png = signature_png_from_data_url(signature)
    ip, agent = request_origin(request)
    signed_at = timezone.now()
    with translation.override(clinic.language):
        pdf = render_pdf(
            "records/documents/signed_form_pdf.html",
            signed_form_pdf_context(
                clinic=clinic,
                client=client,
                title=template.title,
                intro=template.intro,
                questions=questions,
                answers=cleaned,
                typed_name=typed_name,
                signature_png=signature_png,
                signed_at=signed_at,
                ip_address=ip,
            ),
        )
    return SignedForm.objects.create(
        clinic=clinic,
        client=client,
        template=template,
        title=template.title,
        questions=questions,
        answers=cleaned,
        typed_name=typed_name,
        signature_method=SignatureMethod.DRAWN if signature_png else SignatureMethod.TYPED,
        signature_png=signature_png,
        signed_at=signed_at,
        expires_at=(
            add_months(signed_at, template.valid_for_months) if template.valid_for_months else None
        ),
        ip_address=ip,
        user_agent=agent,
        pdf=pdf,
        pdf_sha256=hashlib.sha256(pdf).hexdigest(),
    )


def _remind(signed):
    clinic, user = signed.clinic, signed.client.user
    link = portal_reverse(clinic, "portal:document_sign", signed.template_id)
    with transaction.atomic(), speaking_to(clinic, user):
        try:
            with transaction.atomic():  # a savepoint: a concurrent run may hold the row
                FormReminder.objects.create(signed_form=signed)
        except IntegrityError:
            return False
        notify(
            clinic=clinic,
            user=user,
            kind="forms.renewal",
            category=Category.REMINDER,
            title=_("Please sign %(form)s again") % {"form": signed.title},
            body=_(
                "Hello %(name)s,\n\nthe %(form)s you signed at %(clinic)s is due for "
                "renewal. Please review and sign it again before your next visit:\n\n%(link)s"
            )
            % {
                "name": user.get_short_name(),
                "form": signed.title,
                "clinic": clinic.name,
                "link": link,
            },
            url=link,
            idempotency_key=f"form-renewal-{signed.pk}",
            phone=signed.client.phone,
        )
    return True


def form_renewal_reminders_send(*, now=None) -> int:
    """Remind each client once per signed form that is due for renewal. Safe to run
    twice or after a crash: the reminder row and the notification key are unique."""
    sent = 0
    for signed in signed_forms_due_reminder(now=now):
        try:
            sent += _remind(signed)
        except Exception:  # one bad row must not stop the others
            log.exception("Renewal reminder for signed form %s failed", signed.pk)
    return sent
