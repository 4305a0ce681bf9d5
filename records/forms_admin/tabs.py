"""The Forms and Medical history tabs of the client account view. Staff download a
signed PDF (an export, audited) and update the medical history (a new version, audited
by the service); at a vet practice (pets on) each pet has its own history and form."""

from django import forms
from django.http import Http404, HttpResponse
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View

from branding.errors import DomainError
from branding.selectors import feature_enabled
from people.account_tabs import ClientAccountTab, per_request
from people.models import AuditAction
from people.pet_selectors import pets_for_client
from records.admin_tabs.base import ClientActionView, ClientRecordMixin
from records.documents.selectors import (
    forms_for_client,
    signed_form_in_clinic,
    signed_forms_for_client,
)
from records.errors import RecordsErrorCode
from records.medical.selectors import (
    medical_history_by_pet,
    medical_history_pet,
    medical_history_recent,
)
from records.medical.services import medical_history_update
from records.models import MEDICAL_FIELDS

VERSIONS_SHOWN = 50


def forms_tab_context(request, clinic, account):
    return {
        "standing": forms_for_client(clinic, account),
        "signed_forms": list(signed_forms_for_client(clinic, account)),
        "client_pk": account.pk,
    }


def forms_tab():
    return ClientAccountTab(
        key="forms",
        label=_("Forms"),
        group="records",
        order=70,
        template_name="records/admin/tabs/forms.html",
        get_context=forms_tab_context,
    )


def _area(label):
    return forms.CharField(
        label=label, required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )


class StaffMedicalHistoryForm(forms.Form):
    allergies = _area(gettext_lazy("Allergies"))
    medications = _area(gettext_lazy("Current medications"))
    conditions = _area(gettext_lazy("Medical conditions"))
    notes = _area(gettext_lazy("Other notes"))


def medical_versions(request, clinic, account):
    """The newest versions, read once for the Overview's alerts and this tab."""
    return per_request(
        request,
        ("medical", account.pk),
        lambda: medical_history_recent(clinic, account, limit=VERSIONS_SHOWN),
    )


def _history_block(versions, update_url, auto_id="id_%s"):
    current = versions[0] if versions else None
    return {
        "current": current,
        "versions": versions,
        "form": StaffMedicalHistoryForm(
            initial=current.as_dict() if current else None, auto_id=auto_id
        ),
        "update_url": update_url,
    }


def _pet_blocks(clinic, account, update_url):
    """One history per pet: its versions, and a form for the active ones (a pet removed
    from the app keeps its history, read-only)."""
    pets = pets_for_client(clinic, account)
    history = medical_history_by_pet(clinic, account, pets, limit=VERSIONS_SHOWN)
    blocks = []
    for pet in pets:
        block = _history_block(
            history[pet.pk], f"{update_url}?pet={pet.pk}", auto_id=f"id_pet{pet.pk}_%s"
        )
        blocks.append({**block, "pet": pet, "editable": pet.active})
    return blocks


def medical_tab_context(request, clinic, account):
    update_url = reverse("client_forms:medical_update", kwargs={"client_pk": account.pk})
    if feature_enabled(clinic, "pets"):
        # What the owner answered about themself before histories were kept per pet
        # stays readable (read-only) instead of vanishing.
        earlier = medical_versions(request, clinic, account)
        return {
            "pets_on": True,
            "pets": _pet_blocks(clinic, account, update_url),
            "earlier": {**_history_block(earlier, ""), "pet": None} if earlier else None,
            "fields": MEDICAL_FIELDS,
        }
    block = _history_block(medical_versions(request, clinic, account), update_url)
    return {**block, "fields": MEDICAL_FIELDS}


def medical_tab():
    return ClientAccountTab(
        key="medical",
        label=_("Medical history"),
        group="records",
        order=75,
        template_name="records/admin/tabs/medical.html",
        get_context=medical_tab_context,
    )


class SignedFormPdfView(ClientRecordMixin, View):
    """The signed PDF, to this clinic's staff only; each download is in the audit log."""

    def get(self, request, *args, **kwargs):
        signed = signed_form_in_clinic(self.clinic, kwargs["signed_id"])
        if signed is None or signed.client_id != self.account.pk:
            raise Http404(_("No such signed form."))
        self.audit(AuditAction.EXPORT, f"Downloaded signed form “{signed.title}” ({signed.pk})")
        response = HttpResponse(bytes(signed.pdf), content_type="application/pdf")
        filename = f"{signed.title}-{signed.signed_at:%Y-%m-%d}.pdf".replace('"', "")
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
        response["Cache-Control"] = "private, no-store"
        return response


class MedicalHistoryUpdateView(ClientActionView):
    tab = "medical"

    def act(self):
        form = StaffMedicalHistoryForm(self.request.POST)
        if not form.is_valid():
            field, errors = next(iter(form.errors.items()))
            raise DomainError(
                f"{form.fields[field].label}: {errors[0]}",
                field=field,
                code=RecordsErrorCode.FORM_ANSWER_INVALID,
            )
        # At a vet practice the pet named (one of this client's active pets) or a refusal.
        pet = medical_history_pet(self.clinic, self.account, self.request.GET.get("pet"))
        medical_history_update(
            clinic=self.clinic,
            client=self.account,
            author=self.request.user,
            pet=pet,
            by_staff=True,
            request=self.request,
            **form.cleaned_data,
        )
        if pet is not None:
            return _("%(pet)s's medical history saved.") % {"pet": pet.name}
        return _("Medical history saved.")


urlpatterns = [
    path("forms/<id:signed_id>.pdf", SignedFormPdfView.as_view(), name="signed_pdf"),
    path("medical-history/", MedicalHistoryUpdateView.as_view(), name="medical_update"),
]
