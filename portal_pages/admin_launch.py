"""The platform operator's "New clinic" screen (superusers only): the form in front of
``portal_pages.launch.clinic_launch``."""

from django import forms
from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.utils.translation import gettext_lazy as _
from django.views.generic import FormView
from wagtail.admin import messages
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin

from branding.errors import DomainError
from branding.validators import validate_currency, validate_timezone
from people.admin_toolkit.views import form_add_domain_error
from portal_pages.launch import clinic_launch


class ClinicLaunchForm(forms.Form):
    name = forms.CharField(label=_("Clinic name"), max_length=120)
    domain = forms.CharField(
        label=_("Domain"), max_length=255, help_text=_("e.g. book.example-clinic.com")
    )
    timezone = forms.CharField(
        label=_("Time zone"), initial="Europe/London", validators=[validate_timezone]
    )
    currency = forms.CharField(
        label=_("Currency"), initial="GBP", max_length=3, validators=[validate_currency]
    )
    language = forms.ChoiceField(label=_("Language"), choices=settings.LANGUAGES)
    manager_email = forms.EmailField(label=_("First manager's email"))


class ClinicLaunchView(WagtailAdminTemplateMixin, FormView):
    template_name = "portal_pages/admin/clinic_launch.html"
    form_class = ClinicLaunchForm
    page_title = _("New clinic")
    header_icon = "site"

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_superuser:
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def form_valid(self, form):
        try:
            clinic = clinic_launch(**form.cleaned_data)
        except DomainError as exc:
            form_add_domain_error(form, exc)
            return self.form_invalid(form)
        messages.success(
            self.request,
            _("%(clinic)s is live at %(domain)s; %(email)s has been sent an invitation.")
            % {
                "clinic": clinic.name,
                "domain": clinic.site.hostname,
                "email": form.cleaned_data["manager_email"],
            },
        )
        return redirect("clinic_launch")
