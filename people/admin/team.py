"""The clinic's team (managers): who works here in which role, and adding someone."""

from django import forms
from django.db import transaction
from django.shortcuts import redirect
from django.utils.translation import gettext_lazy as _
from django.views.generic import FormView
from wagtail.admin import messages
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin

from branding.errors import DomainError
from branding.validators import validate_name
from people.admin_toolkit.views import form_add_domain_error
from people.admin_toolkit.workspace import MANAGERS, ClinicWorkspaceMixin
from people.models import AuditAction, ClinicMembership, StaffRole
from people.selectors import clinic_memberships
from people.services import audit_changes, audit_record, membership_grant, user_get_or_create


class AddMemberForm(forms.Form):
    email = forms.EmailField(label=_("Email"))
    first_name = forms.CharField(
        label=_("First name"), max_length=80, required=False, validators=[validate_name]
    )
    last_name = forms.CharField(
        label=_("Last name"), max_length=80, required=False, validators=[validate_name]
    )
    role = forms.ChoiceField(label=_("Role"), choices=StaffRole.choices)


class TeamView(ClinicWorkspaceMixin, WagtailAdminTemplateMixin, FormView):
    template_name = "people/admin/team.html"
    form_class = AddMemberForm
    roles = MANAGERS
    page_title = _("Team")
    header_icon = "group"

    def get_page_subtitle(self):
        return self.clinic.name

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["memberships"] = clinic_memberships(self.clinic)
        return context

    def form_valid(self, form):
        data = form.cleaned_data
        try:
            with transaction.atomic():
                user, _created = user_get_or_create(
                    email=data["email"],
                    first_name=data["first_name"],
                    last_name=data["last_name"],
                )
                old_role = (
                    ClinicMembership.objects.filter(clinic=self.clinic, user=user)
                    .values_list("role", flat=True)
                    .first()
                )
                membership = membership_grant(clinic=self.clinic, user=user, role=data["role"])
                audit_record(
                    clinic=self.clinic,
                    actor=self.request.user,
                    action=AuditAction.TEAM,
                    summary=f"Made {user.email} {membership.get_role_display()}",
                    changes=audit_changes({"role": old_role}, {"role": membership.role}),
                    request=self.request,
                )
        except DomainError as exc:
            form_add_domain_error(form, exc)
            return self.form_invalid(form)
        messages.success(
            self.request,
            _("%(person)s is now %(role)s at %(clinic)s.")
            % {
                "person": user.email,
                "role": membership.get_role_display(),
                "clinic": self.clinic.name,
            },
        )
        return redirect("clinic_workspace:team")
