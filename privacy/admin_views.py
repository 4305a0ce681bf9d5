"""The clinic's "Privacy requests" page (Clinic menu): erasure requests waiting for a
decision (approve: the client is anonymised; decline: with a reason the client sees),
and, for managers, the retention period of the records kept after an erasure. The
client account's "Privacy" tab shows the consents with their wording, the copies asked
for and the requests, and decides there too. Every decision is audited."""

from django import forms
from django.shortcuts import redirect
from django.urls import path, reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django.views.generic import TemplateView
from wagtail.admin import messages
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin

from branding.errors import DomainError
from people.admin_toolkit.workspace import (
    FRONT_DESK,
    MANAGERS,
    ClinicWorkspaceMixin,
    request_admin_role,
)
from privacy.models import PrivacySettings
from privacy.selectors import erasure_requests_waiting, privacy_settings
from privacy.services import erasure_approve, erasure_decline, retention_set


class RetentionForm(forms.ModelForm):
    class Meta:
        model = PrivacySettings
        fields = ["retention_years"]


class PrivacyRequestsView(ClinicWorkspaceMixin, WagtailAdminTemplateMixin, TemplateView):
    template_name = "privacy/admin/requests.html"
    page_title = gettext_lazy("Privacy requests")
    header_icon = "lock"
    roles = FRONT_DESK

    def get_context_data(self, form=None, **kwargs):
        context = super().get_context_data(**kwargs)
        settings = privacy_settings(self.clinic)
        context["waiting"] = erasure_requests_waiting(self.clinic)
        context["settings"] = settings
        if request_admin_role(self.request) in MANAGERS:
            context["retention_form"] = form or RetentionForm(instance=settings)
        return context


class RetentionView(ClinicWorkspaceMixin, View):
    http_method_names = ["post"]
    roles = MANAGERS

    def post(self, request):
        form = RetentionForm(request.POST, instance=privacy_settings(self.clinic))
        if not form.is_valid():
            view = PrivacyRequestsView()
            view.setup(request)
            view.clinic = self.clinic
            return view.render_to_response(view.get_context_data(form=form), status=400)
        retention_set(
            clinic=self.clinic,
            years=form.cleaned_data["retention_years"],
            actor=request.user,
            request=request,
        )
        messages.success(request, _("The retention period is saved."))
        return redirect("clinic_privacy:requests")


class _Decision(ClinicWorkspaceMixin, View):
    http_method_names = ["post"]
    roles = FRONT_DESK

    def back(self):
        target = self.request.POST.get("next", "")
        if target and url_has_allowed_host_and_scheme(
            target, allowed_hosts={self.request.get_host()}
        ):
            return redirect(target)
        return redirect(reverse("clinic_privacy:requests"))

    def post(self, request, request_id):
        try:
            self.decide(request, request_id)
        except DomainError as error:
            messages.error(request, error.message)
        return self.back()


class ApproveView(_Decision):
    def decide(self, request, request_id):
        erasure_approve(
            clinic=self.clinic, request_id=request_id, actor=request.user, http_request=request
        )
        messages.success(request, _("The client is erased."))


class DeclineView(_Decision):
    def decide(self, request, request_id):
        erasure_decline(
            clinic=self.clinic,
            request_id=request_id,
            actor=request.user,
            reason=request.POST.get("reason", ""),
            http_request=request,
        )
        messages.success(request, _("The erasure request is declined."))


urlpatterns = [
    path("", PrivacyRequestsView.as_view(), name="requests"),
    path("retention/", RetentionView.as_view(), name="retention"),
    path("erasure/<id:request_id>/approve/", ApproveView.as_view(), name="approve"),
    path("erasure/<id:request_id>/decline/", DeclineView.as_view(), name="decline"),
]
