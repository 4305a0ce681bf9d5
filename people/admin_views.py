"""The clinic workspace in the Wagtail admin: locations, inviting clients, and team.
The client list and account view live in ``records.workspace``.

Everything here works on one clinic, the request's admin clinic
(``people.selectors.admin_clinic_for_user``), and on nothing else: lists are filtered
to it and another clinic's rows answer 404. Writes go through the services.
"""

from django import forms
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.forms import inlineformset_factory
from django.http import Http404
from django.shortcuts import redirect
from django.urls import path, reverse
from django.utils.functional import cached_property
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext_lazy as _
from django.views.generic import FormView
from wagtail.admin import messages
from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.admin.panels import FieldPanel, FieldRowPanel, ObjectList, Panel
from wagtail.admin.views import generic
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.permission_policies.base import BasePermissionPolicy

from branding.errors import DomainError
from branding.models import Closure, Location, OpeningHours
from people.models import AuditAction, ClientAccount, ClinicMembership, StaffRole
from people.selectors import (
    admin_clinic_for_user,
    admin_clinics_for_user,
    clinic_ids_with_role,
    clinic_memberships,
    clinic_role_for_user,
)
from people.services import (
    audit_changes,
    audit_record,
    client_invite,
    membership_grant,
    user_get_or_create,
)

SESSION_KEY = "admin_clinic_id"
MANAGERS = (StaffRole.MANAGER,)
FRONT_DESK = (StaffRole.MANAGER, StaffRole.STAFF)


def request_admin_clinic(request):
    """The clinic this admin request works on (cached on the request)."""
    if not hasattr(request, "_admin_clinic"):
        request._admin_clinic = admin_clinic_for_user(
            request.user,
            host_clinic=getattr(request, "clinic", None),
            chosen_clinic_id=request.session.get(SESSION_KEY),
        )
    return request._admin_clinic


def request_admin_role(request):
    return clinic_role_for_user(request_admin_clinic(request), request.user)


class ClinicWorkspaceMixin:
    """Refuses anyone without one of ``roles`` at the request's admin clinic."""

    roles = FRONT_DESK

    def dispatch(self, request, *args, **kwargs):
        self.clinic = request_admin_clinic(request)
        if self.clinic is None or request_admin_role(request) not in self.roles:
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["clinic"] = self.clinic
        context["clinic_switcher"] = clinic_switcher(self.request)
        return context


def clinic_switcher(request):
    """For superusers: the clinics they may switch the workspace to."""
    if not request.user.is_superuser:
        return None
    return {
        "clinics": list(admin_clinics_for_user(request.user)),
        "current": request_admin_clinic(request),
        "url": reverse("clinic_workspace:switch"),
        "next": request.get_full_path(),
    }


# --- Locations ----------------------------------------------------------------------


class ClinicRolePermissionPolicy(BasePermissionPolicy):
    """Model permissions from the person's clinic role: members with one of ``roles``
    may do anything to the rows of their clinics (superusers: every clinic)."""

    def __init__(self, model, roles):
        super().__init__(model)
        self.roles = roles

    def _clinic_ids(self, user):
        return clinic_ids_with_role(user, self.roles)

    def user_has_permission(self, user, action):
        return bool(self._clinic_ids(user))

    def users_with_any_permission(self, actions):
        return get_user_model().objects.filter(memberships__role__in=self.roles).distinct()

    def user_has_permission_for_instance(self, user, action, instance):
        return instance.clinic_id in self._clinic_ids(user)

    def instances_user_has_any_permission_for(self, user, actions):
        return self.model._default_manager.filter(clinic_id__in=self._clinic_ids(user))

    def users_with_any_permission_for_instance(self, actions, instance):
        return (
            get_user_model()
            .objects.filter(
                memberships__clinic_id=instance.clinic_id, memberships__role__in=self.roles
            )
            .distinct()
        )


class OpeningHoursForm(forms.ModelForm):
    class Meta:
        model = OpeningHours
        fields = ["weekday", "start", "end"]
        widgets = {
            "start": forms.TimeInput(attrs={"type": "time"}),
            "end": forms.TimeInput(attrs={"type": "time"}),
        }

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("start"), cleaned.get("end")
        if start and end and end <= start:
            self.add_error("end", _("Closing time must be after opening time."))
        return cleaned

    def validate_constraints(self):
        # The check constraint is reported above, naming the field.
        pass


class ClosureForm(forms.ModelForm):
    class Meta:
        model = Closure
        fields = ["date", "reason"]
        widgets = {"date": forms.DateInput(attrs={"type": "date"})}


HoursFormSet = inlineformset_factory(
    Location, OpeningHours, form=OpeningHoursForm, extra=2, can_delete=True
)
ClosuresFormSet = inlineformset_factory(
    Location, Closure, form=ClosureForm, extra=1, can_delete=True
)


class WithFormsetsMixin:
    """A model form that carries inline formsets (named in ``formset_attrs``): it is
    valid only when they all are, and brings their media."""

    formset_attrs = ()

    def _formsets(self):
        return [getattr(self, name) for name in self.formset_attrs]

    def is_valid(self):
        results = [super().is_valid(), *(formset.is_valid() for formset in self._formsets())]
        return all(results)

    @property
    def media(self):
        media = super().media
        for formset in self._formsets():
            media += formset.media
        return media


class LocationForm(WithFormsetsMixin, WagtailAdminModelForm):
    """A location with its opening hours and closures, edited on one page. The clinic is
    never a field: the view sets it from the admin clinic."""

    formset_attrs = ("hours_formset", "closures_formset")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        data = self.data if self.is_bound else None
        self.hours_formset = HoursFormSet(data, instance=self.instance, prefix="hours")
        self.closures_formset = ClosuresFormSet(data, instance=self.instance, prefix="closures")

    def _siblings(self):
        return Location.objects.filter(clinic_id=self.instance.clinic_id).exclude(
            pk=self.instance.pk
        )

    def clean_key(self):
        key = self.cleaned_data["key"]
        if self._siblings().filter(key=key).exists():
            raise forms.ValidationError(_("Another location of this clinic has this key."))
        return key

    def clean_is_main(self):
        is_main = self.cleaned_data["is_main"]
        other = self._siblings().filter(is_main=True).first() if is_main else None
        if other:
            raise forms.ValidationError(
                _("%(name)s is already the main location; untick it there first."),
                params={"name": other.name},
            )
        return is_main

    def save(self, commit=True):
        instance = super().save(commit=commit)
        if commit:
            for formset in (self.hours_formset, self.closures_formset):
                formset.instance = instance
                formset.save()
        return instance


class InlineFormsetPanel(Panel):
    """Renders one of the form's inline formsets (``formset_attr``) as a table."""

    def __init__(self, formset_attr, **kwargs):
        super().__init__(**kwargs)
        self.formset_attr = formset_attr

    def clone_kwargs(self):
        kwargs = super().clone_kwargs()
        kwargs["formset_attr"] = self.formset_attr
        return kwargs

    class BoundPanel(Panel.BoundPanel):
        template_name = "people/admin/formset_panel.html"

        def get_context_data(self, parent_context=None):
            context = super().get_context_data(parent_context)
            context["formset"] = getattr(self.form, self.panel.formset_attr)
            return context


class ClinicScopeMixin:
    """Rows of the admin clinic only, through the viewset's permission policy."""

    def get_base_queryset(self):
        return self.permission_policy.instances_user_has_any_permission_for(
            self.request.user, ["change"]
        ).select_related("clinic")

    def get_queryset(self):
        if isinstance(self, generic.IndexView):
            return super().get_queryset()
        # Edit and delete: another clinic's row is simply not there (404).
        return self.get_base_queryset()


class LocationIndexView(ClinicScopeMixin, generic.IndexView):
    pass


class ManagerCreateView(generic.CreateView):
    """Create view for a clinic-owned model that only the admin clinic's managers may
    add to: the new row belongs to that clinic, whatever the form says."""

    def dispatch(self, request, *args, **kwargs):
        clinic = request_admin_clinic(request)
        if clinic is None or request_admin_role(request) not in MANAGERS:
            raise PermissionDenied
        self.clinic = clinic
        return super().dispatch(request, *args, **kwargs)

    def get_initial_form_instance(self):
        return self.model(clinic=self.clinic)

    def get_page_subtitle(self):
        return self.clinic.name


class LocationCreateView(ManagerCreateView):
    pass


class LocationEditView(ClinicScopeMixin, generic.EditView):
    pass


class LocationDeleteView(ClinicScopeMixin, generic.DeleteView):
    pass


class LocationViewSet(ModelViewSet):
    model = Location
    icon = "site"
    menu_label = _("Locations")
    url_prefix = "clinic/locations"
    name = "clinic_locations"
    add_to_admin_menu = False
    copy_view_enabled = False
    inspect_view_enabled = False
    list_display = ["name", "clinic", "address", "phone", "is_main"]
    search_fields = ["name", "address", "phone"]
    index_view_class = LocationIndexView
    add_view_class = LocationCreateView
    edit_view_class = LocationEditView
    delete_view_class = LocationDeleteView

    @cached_property
    def permission_policy(self):
        return ClinicRolePermissionPolicy(Location, roles=MANAGERS)

    edit_handler = ObjectList(
        [
            FieldRowPanel([FieldPanel("name"), FieldPanel("key")]),
            FieldPanel("address"),
            FieldRowPanel([FieldPanel("phone"), FieldPanel("is_main")]),
            InlineFormsetPanel("hours_formset", heading=_("Opening hours")),
            InlineFormsetPanel("closures_formset", heading=_("Closures")),
        ],
        base_form_class=LocationForm,
    )


# --- Clients ------------------------------------------------------------------------


class InviteClientForm(forms.Form):
    first_name = forms.CharField(label=_("First name"), max_length=80)
    last_name = forms.CharField(label=_("Last name"), max_length=80, required=False)
    email = forms.EmailField(label=_("Email"))
    phone = forms.CharField(label=_("Phone"), max_length=32, required=False)


def _apply_domain_error(form, error):
    field = error.field if error.field in form.fields else None
    form.add_error(field, error.message)


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
            _apply_domain_error(form, exc)
            return self.form_invalid(form)
        messages.success(
            self.request,
            _("Invitation sent to %(email)s.") % {"email": account.user.email},
        )
        return redirect("clinic_workspace:clients")


# --- Team ---------------------------------------------------------------------------


class AddMemberForm(forms.Form):
    email = forms.EmailField(label=_("Email"))
    first_name = forms.CharField(label=_("First name"), max_length=80, required=False)
    last_name = forms.CharField(label=_("Last name"), max_length=80, required=False)
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
            _apply_domain_error(form, exc)
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


# --- Switching clinic (superusers) ---------------------------------------------------


def switch_clinic(request):
    if request.method != "POST" or not request.user.is_superuser:
        raise PermissionDenied
    clinic = admin_clinics_for_user(request.user).filter(pk=request.POST.get("clinic")).first()
    if clinic is None:
        raise Http404
    request.session[SESSION_KEY] = clinic.pk
    next_url = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(next_url, allowed_hosts={request.get_host()}):
        next_url = reverse("clinic_workspace:clients")
    return redirect(next_url)


def workspace_urlpatterns():
    # The client list and account view (records.workspace) join this namespace through
    # the "register_clinic_workspace_urls" hook (people/wagtail_hooks.py).
    return [
        path("clients/invite/", ClientInviteView.as_view(), name="client_invite"),
        path("team/", TeamView.as_view(), name="team"),
        path("switch/", switch_clinic, name="switch"),
    ]
