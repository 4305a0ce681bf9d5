"""The patient's medical history (/medical-history/): they see the current answers and
save a change, which becomes a new version (staff see every version)."""

from django import forms
from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from branding.errors import DomainError
from people.selectors import client_account_for_user
from people.services import client_account_ensure
from portal_pages.access import signed_in
from records.medical.selectors import medical_history_current
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


@signed_in
@require_http_methods(["GET", "POST"])
def medical_history(request):
    clinic = request.clinic
    current = medical_history_current(clinic, client_account_for_user(clinic, request.user))
    form = MedicalHistoryForm(request.POST or None, initial=current.as_dict() if current else None)
    if request.method == "POST" and form.is_valid():
        client = client_account_ensure(clinic=clinic, user=request.user)
        try:
            medical_history_update(
                clinic=clinic, client=client, author=request.user, **form.cleaned_data
            )
        except DomainError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, exc.message)
        else:
            messages.success(request, _("Your medical history is saved."))
            return redirect("portal:medical_history")
    return render(
        request, "portal_pages/documents/medical_history.html", {"form": form, "current": current}
    )
