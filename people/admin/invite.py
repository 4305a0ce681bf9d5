"""A new client at the desk (a walk-in, someone on the phone): an account at the admin
clinic with an email or only a phone, an invitation email to choose a password only
when staff tick it (which needs an email), and on "Save and book" (the default button)
straight on to booking them in on the calendar, the client chosen."""

from django import forms
from django.db import transaction
from django.shortcuts import redirect
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext_lazy as _
from django.views.generic import FormView
from wagtail.admin import messages
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin

from branding.errors import DomainError
from branding.validators import validate_name
from people.admin_toolkit.views import form_add_domain_error
from people.admin_toolkit.workspace import ClinicWorkspaceMixin
from people.models import AuditAction, ClientAccount
from people.services import audit_changes, audit_record, client_add_at_desk


class InviteClientForm(forms.Form):
    first_name = forms.CharField(label=_("First name"), max_length=80, validators=[validate_name])
    last_name = forms.CharField(
        label=_("Last name"), max_length=80, required=False, validators=[validate_name]
    )
    email = forms.EmailField(
        label=_("Email"), required=False, help_text=_("Optional for a walk-in with a phone.")
    )
    phone = forms.CharField(label=_("Phone"), max_length=32, required=False)
    invite = forms.BooleanField(
        label=_("Send an invitation email"),
        required=False,
        help_text=_("A link to choose a password and book online. Leave unticked for a walk-in."),
    )


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
    page_title = _("New client")
    header_icon = "user"

    def get_page_subtitle(self):
        return self.clinic.name

    def form_valid(self, form):
        data = form.cleaned_data
        existing = (
            ClientAccount.objects.filter(clinic=self.clinic, user__email__iexact=data["email"])
            .select_related("user")
            .first()
            if data["email"]
            else None
        )
        before = _client_snapshot(existing)
        try:
            with transaction.atomic():
                account = client_add_at_desk(
                    clinic=self.clinic,
                    email=data["email"],
                    first_name=data["first_name"],
                    last_name=data["last_name"],
                    phone=data["phone"],
                    invite=data["invite"],
                    invited_by=self.request.user,
                    base_url=f"{self.request.scheme}://{self.clinic.domain}",
                )
                account.user.refresh_from_db()
                audit_record(
                    clinic=self.clinic,
                    actor=self.request.user,
                    action=AuditAction.INVITE if data["invite"] else AuditAction.CREATE,
                    client=account,
                    summary=("Invited " if data["invite"] else "Added ")
                    + (account.user.email or f"{account.name} (phone only)")
                    + ("" if existing else " (new client)"),
                    changes=audit_changes(before, _client_snapshot(account)),
                    request=self.request,
                )
        except DomainError as exc:
            form_add_domain_error(form, exc)
            return self.form_invalid(form)
        if data["invite"]:
            messages.success(
                self.request,
                _("Invitation sent to %(email)s.") % {"email": account.user.email},
            )
        else:
            messages.success(
                self.request, _("%(name)s is added (no email sent).") % {"name": account.name}
            )
        if self.request.POST.get("then") == "book":
            try:  # the calendar's new-booking page, with the client chosen
                url = reverse("booking_calendar:new")
            except NoReverseMatch:
                return redirect("clinic_workspace:client_detail", account.pk)
            return redirect(f"{url}?client={account.pk}")
        return redirect("clinic_workspace:client_detail", account.pk)
