"""The patient's medical history (/medical-history/): they see the current answers and
save a change, which becomes a new version (staff see every version). At a vet practice
(pets on) the history is each pet's: the page lists the owner's pets and edits one at a
time (?pet=<id>)."""

from django import forms
from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from branding.errors import DomainError
from branding.selectors import feature_enabled
from people.pet_selectors import active_pets_for_client
from people.selectors import client_account_for_user
from people.services import client_account_ensure
from portal_pages.access import signed_in
from records.medical.selectors import (
    medical_history_by_pet,
    medical_history_current,
    medical_history_pet,
)
from records.medical.services import medical_history_update


def _area(label, help_text=""):
    return forms.CharField(
        label=label,
        help_text=help_text,
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class MedicalHistoryForm(forms.Form):
    allergies = _area(gettext_lazy("Allergies"), gettext_lazy("Medicines, foods, latex, products…"))
    medications = _area(gettext_lazy("Current medications"))
    conditions = _area(
        gettext_lazy("Medical conditions"), gettext_lazy("e.g. diabetes, pregnancy, epilepsy")
    )
    notes = _area(gettext_lazy("Anything else the clinic should know"))


class PetMedicalHistoryForm(MedicalHistoryForm):
    """The same questions, asked about the pet rather than the owner."""

    def __init__(self, *args, pet, **kwargs):
        super().__init__(*args, **kwargs)
        name = {"pet": pet.name}
        fields = self.fields
        fields["allergies"].label = _("%(pet)s's allergies") % name
        fields["allergies"].help_text = _("Medicines, foods, flea or worming treatments…")
        fields["medications"].label = _("Current medications for %(pet)s") % name
        fields["conditions"].label = _("Conditions")
        fields["conditions"].help_text = _("e.g. diabetes, epilepsy, a heart murmur")
        fields["notes"].label = _("Anything else the clinic should know about %(pet)s") % name


def _pets_page(request, clinic, client):
    pets = active_pets_for_client(clinic, client)
    history = medical_history_by_pet(clinic, client, pets, limit=1)
    rows = [(pet, (history[pet.pk] or [None])[0]) for pet in pets]
    return render(request, "portal_pages/documents/medical_history_pets.html", {"rows": rows})


@signed_in
@require_http_methods(["GET", "POST"])
def medical_history(request):
    clinic = request.clinic
    client = client_account_for_user(clinic, request.user)
    pet = None
    if feature_enabled(clinic, "pets"):
        if not request.GET.get("pet"):
            return _pets_page(request, clinic, client)
        try:
            pet = medical_history_pet(clinic, client, request.GET["pet"])
        except DomainError as exc:
            raise Http404(exc.message) from exc
    current = medical_history_current(clinic, client, pet)
    initial = current.as_dict() if current else None
    if pet is None:
        form = MedicalHistoryForm(request.POST or None, initial=initial)
    else:
        form = PetMedicalHistoryForm(request.POST or None, initial=initial, pet=pet)
    if request.method == "POST" and form.is_valid():
        client = client or client_account_ensure(clinic=clinic, user=request.user)
        try:
            medical_history_update(
                clinic=clinic, client=client, author=request.user, pet=pet, **form.cleaned_data
            )
        except DomainError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, exc.message)
        else:
            if pet is None:
                messages.success(request, _("Your medical history is saved."))
                return redirect("portal:medical_history")
            messages.success(request, _("%(pet)s's medical history is saved.") % {"pet": pet.name})
            return redirect(f"{reverse('portal:medical_history')}?pet={pet.pk}")
    return render(
        request,
        "portal_pages/documents/medical_history.html",
        {"form": form, "current": current, "pet": pet},
    )
