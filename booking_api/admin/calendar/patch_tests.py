"""Recording a patch test from the client's "Patch tests" tab (front desk and therapists)."""

from django import forms
from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View

from booking_api.admin.calendar.access import CalendarAccessMixin
from booking_api.models import PatchTestResult
from booking_api.services.patch_tests import patch_test_record
from branding.errors import DomainError
from people.account_tabs import client_tab_url
from people.admin_toolkit.fields import ClinicDateField
from people.models import ClientAccount


class PatchTestForm(forms.Form):
    tested_on = ClinicDateField(label=gettext_lazy("Date of the test"))
    result = forms.ChoiceField(label=gettext_lazy("Result"), choices=PatchTestResult.choices)
    notes = forms.CharField(
        label=gettext_lazy("Notes"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class PatchTestAddView(CalendarAccessMixin, View):
    """Record a patch test from the client's "Patch tests" tab."""

    def post(self, request, client_pk):
        account = get_object_or_404(ClientAccount, pk=client_pk, clinic=self.clinic)
        back = client_tab_url(account.pk, "patch_tests")
        form = PatchTestForm(request.POST)
        if not form.is_valid():
            for field, errors in form.errors.items():
                messages.error(request, f"{form.fields[field].label}: {errors[0]}")
            return redirect(back)
        try:
            patch_test_record(
                clinic=self.clinic,
                client=account,
                recorded_by=request.user,
                request=request,
                **form.cleaned_data,
            )
        except DomainError as exc:
            label = form.fields[exc.field].label if exc.field in form.fields else ""
            messages.error(request, f"{label}: {exc.message}" if label else exc.message)
        else:
            messages.success(request, _("Patch test recorded."))
        return redirect(back)
