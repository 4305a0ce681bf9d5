"""Inviting a client (front desk): an account at the admin clinic and an email to sign in."""

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
from people.admin_toolkit.workspace import ClinicWorkspaceMixin
from people.models import AuditAction, ClientAccount
from people.services import audit_changes, audit_record, client_invite


class InviteClientForm(forms.Form):
    first_name = forms.CharField(label=_("First name"), max_length=80, validators=[validate_name])
    last_name = forms.CharField(
        label=_("Last name"), max_length=80, required=False, validators=[validate_name]
    )
    email = forms.EmailField(label=_("Email"))
    phone = forms.CharField(label=_("Phone"), max_length=32, required=False)


def _client_snapshot(account):
    """The client's fields staff can set here, for the audit log's before/after."""
    if account is None:
        return {}
    return {
        "email": account.user.email,
        "first_name": account.user.first_name,
        "last_name": account.user.last_name,
        "phone": account.phone,
        "invited_at": account.invited_at,
    }


class ClientInviteView(ClinicWorkspaceMixin, WagtailAdminTemplateMixin, FormView):
    template_name = "people/admin/client_invite.html"
    form_class = InviteClientForm
    page_title = _("Invite client")
    header_icon = "mail"

    def get_page_subtitle(self):
        return self.clinic.name

    def form_valid(self, form):
        data = form.cleaned_data
        existing = (
            ClientAccount.objects.filter(clinic=self.clinic, user__email__iexact=data["email"])
            .select_related("user")
            .first()
        )
        before = _client_snapshot(existing)
        try:
            with transaction.atomic():
                account = client_invite(
                    clinic=self.clinic,
                    email=data["email"],
                    first_name=data["first_name"],
                    last_name=data["last_name"],
                    phone=data["phone"],
                    invited_by=self.request.user,
                    base_url=f"{self.request.scheme}://{self.clinic.domain}",
                )
                account.user.refresh_from_db()
                audit_record(
                    clinic=self.clinic,
                    actor=self.request.user,
                    action=AuditAction.INVITE,
                    client=account,
                    summary=f"Invited {account.user.email}" + ("" if existing else " (new client)"),
                    changes=audit_changes(before, _client_snapshot(account)),
                    request=self.request,
                )
        except DomainError as exc:
            form_add_domain_error(form, exc)
            return self.form_invalid(form)
        messages.success(
            self.request,
            _("Invitation sent to %(email)s.") % {"email": account.user.email},
        )
        return redirect("clinic_workspace:clients")
