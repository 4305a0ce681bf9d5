"""The patient's documents (/documents/): forms to sign, signed forms and their PDFs.
Another person's (or another clinic's) form answers 404."""

from django import forms
from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from branding.errors import DomainError
from branding.validators import validate_name
from people.selectors import client_account_for_user
from people.services import client_account_ensure
from portal_pages.access import safe_next_url, signed_in
from records.documents.answers import answers_form_class
from records.documents.selectors import (
    form_template_for_signing,
    forms_for_client,
    signed_form_for_client,
    signed_forms_for_client,
)
from records.documents.services import signed_form_create


class SignatureForm(forms.Form):
    typed_name = forms.CharField(
        label=gettext_lazy("Type your full name to sign"),
        max_length=150,
        validators=[validate_name],
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
    # A PNG data URL from the signature pad; empty when nothing was drawn (the typed name
    # alone is then the signature, so the form works without a pointer).
    signature = forms.CharField(required=False, widget=forms.HiddenInput)


@signed_in
def documents(request):
    clinic = request.clinic
    client = client_account_for_user(clinic, request.user)
    standing = forms_for_client(clinic, client)
    return render(
        request,
        "portal_pages/documents/list.html",
        {
            "to_sign": [f for f in standing if f.needs_signing],
            "signed_forms": list(signed_forms_for_client(clinic, client)) if client else [],
        },
    )


@signed_in
@require_http_methods(["GET", "POST"])
def document_sign(request, template_id):
    clinic = request.clinic
    template = form_template_for_signing(clinic, template_id)
    if template is None:
        raise Http404(_("No such form."))
    questions = template.questions()
    data = request.POST if request.method == "POST" else None
    # Question fields are named by their keys (uuids), so they never meet typed_name.
    answers_form = answers_form_class(questions)(data)
    signature_form = SignatureForm(data, initial={"typed_name": request.user.get_full_name()})
    next_url = safe_next_url(request)
    if request.method == "POST" and answers_form.is_valid() and signature_form.is_valid():
        client = client_account_ensure(clinic=clinic, user=request.user)
        try:
            signed_form_create(
                clinic=clinic,
                client=client,
                template=template,
                answers=request.POST,
                typed_name=signature_form.cleaned_data["typed_name"],
                signature=signature_form.cleaned_data["signature"],
                request=request,
            )
        except DomainError as exc:
            target = signature_form if exc.field in ("typed_name", "signature") else answers_form
            field = exc.field if exc.field in target.fields else None
            target.add_error(field, exc.message)
        else:
            messages.success(request, _("Thank you. %(form)s is signed.") % {"form": template})
            return redirect(next_url or "portal:documents")
    return render(
        request,
        "portal_pages/documents/sign.html",
        {
            "template": template,
            "answers_form": answers_form,
            "signature_form": signature_form,
            "next": next_url,
        },
    )


@signed_in
def document_pdf(request, signed_id):
    clinic = request.clinic
    client = client_account_for_user(clinic, request.user)
    signed = signed_form_for_client(clinic, client, signed_id)
    if signed is None:
        raise Http404(_("No such document."))
    return signed_pdf_response(signed)


def signed_pdf_response(signed):
    response = HttpResponse(bytes(signed.pdf), content_type="application/pdf")
    filename = f"{signed.title}-{signed.signed_at:%Y-%m-%d}.pdf".replace('"', "")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "private, no-store"
    return response
