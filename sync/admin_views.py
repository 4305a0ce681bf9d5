"""The clinic's "Practice sync" page (Clinic menu): the connection and its test button,
the last runs and what they changed, per-record errors naming the record, bookings that
need attention, merges to undo and pets to reinstate, and "Sync now" (the page follows
a run in progress). Managers edit the connection; the front desk sees and acts."""

from django import forms
from django.http import Http404
from django.shortcuts import redirect
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django.views.generic import TemplateView
from wagtail.admin import messages
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin

from branding.errors import DomainError
from people.admin_toolkit.workspace import MANAGERS, ClinicWorkspaceMixin, request_admin_role
from sync.models import (
    AuthKind,
    BookingLink,
    ConnectorKind,
    LinkState,
    PetMerge,
    PetSyncState,
)
from sync.selectors import clinic_connection, sync_overview
from sync.services.connections import connection_save, connection_test
from sync.services.pets import pet_merge_undo, pet_reinstate
from sync.tasks import queue_run


class ConnectionForm(forms.Form):
    kind = forms.ChoiceField(label=gettext_lazy("System"), choices=ConnectorKind.choices)
    base_url = forms.URLField(label=gettext_lazy("Base URL"), assume_scheme="https")
    auth = forms.ChoiceField(label=gettext_lazy("Authentication"), choices=AuthKind.choices)
    api_key = forms.CharField(
        label=gettext_lazy("API key"),
        required=False,
        widget=forms.PasswordInput(render_value=False),
        help_text=gettext_lazy("Leave empty to keep the one stored."),
    )
    client_id = forms.CharField(label=gettext_lazy("Client id"), required=False)
    client_secret = forms.CharField(
        label=gettext_lazy("Client secret"),
        required=False,
        widget=forms.PasswordInput(render_value=False),
        help_text=gettext_lazy("Leave empty to keep the one stored."),
    )
    partner_id = forms.CharField(label=gettext_lazy("Partner id (ezyVet)"), required=False)
    token_url = forms.CharField(label=gettext_lazy("Token URL (REST/JSON)"), required=False)
    staff_map = forms.CharField(
        label=gettext_lazy("Practice resources"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=gettext_lazy("One per line: the practice system's resource id = staff key."),
    )
    pet_removal_hours = forms.IntegerField(
        label=gettext_lazy("Hours before a deceased or inactive pet leaves the app"),
        min_value=1,
        max_value=48,
        initial=24,
    )
    interval_minutes = forms.IntegerField(
        label=gettext_lazy("Minutes between runs"), min_value=1, max_value=1440, initial=5
    )
    enabled = forms.BooleanField(label=gettext_lazy("Sync on"), required=False, initial=True)

    def clean_staff_map(self):
        mapping = {}
        for line in self.cleaned_data["staff_map"].splitlines():
            if not line.strip():
                continue
            resource, sep, key = line.partition("=")
            if not sep or not resource.strip() or not key.strip():
                raise forms.ValidationError(_("Write each line as: resource id = staff key."))
            mapping[resource.strip()] = key.strip()
        return mapping


CREDENTIAL_FIELDS = ("api_key", "client_id", "client_secret", "partner_id", "token_url")


def _initial(connection):
    if connection is None:
        return {"kind": ConnectorKind.REST, "auth": AuthKind.API_KEY, "enabled": True}
    creds = connection.credentials or {}
    return {
        "kind": connection.kind,
        "base_url": connection.base_url,
        "auth": connection.auth,
        "client_id": creds.get("client_id", ""),
        "partner_id": creds.get("partner_id", ""),
        "token_url": creds.get("token_url", ""),
        "staff_map": "\n".join(f"{k} = {v}" for k, v in (connection.staff_map or {}).items()),
        "pet_removal_hours": connection.pet_removal_hours,
        "interval_minutes": connection.interval_minutes,
        "enabled": connection.enabled,
    }


class SyncOverviewView(ClinicWorkspaceMixin, WagtailAdminTemplateMixin, TemplateView):
    template_name = "sync/admin/overview.html"
    page_title = gettext_lazy("Practice sync")
    header_icon = "resubmit"

    def get_page_subtitle(self):
        return self.clinic.name

    def get_context_data(self, form=None, **kwargs):
        context = super().get_context_data(**kwargs)
        overview = sync_overview(self.clinic)
        may_edit = request_admin_role(self.request) in MANAGERS
        context.update(
            overview,
            may_edit=may_edit,
            form=form or (ConnectionForm(initial=_initial(overview["connection"]))),
            check=self.request.session.pop("sync_check", None),
        )
        return context

    def post(self, request):
        if request_admin_role(request) not in MANAGERS:
            raise Http404
        form = ConnectionForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            try:
                connection_save(
                    clinic=self.clinic,
                    kind=data["kind"],
                    base_url=data["base_url"],
                    auth=data["auth"],
                    credentials={
                        k: data[k]
                        for k in (
                            "api_key",
                            "client_id",
                            "client_secret",
                            "partner_id",
                            "token_url",
                        )
                    },
                    staff_map=data["staff_map"],
                    enabled=data["enabled"],
                    pet_removal_hours=data["pet_removal_hours"],
                    interval_minutes=data["interval_minutes"],
                )
            except DomainError as exc:
                form.add_error(exc.field if exc.field in form.fields else None, exc.message)
            else:
                messages.success(request, _("Connection saved."))
                return redirect(reverse("clinic_sync:overview"))
        return self.render_to_response(self.get_context_data(form=form))


class _Action(ClinicWorkspaceMixin, View):
    http_method_names = ["post"]

    def connection(self):
        connection = clinic_connection(self.clinic)
        if connection is None:
            raise Http404(_("No practice system is connected."))
        return connection


class TestView(_Action):
    def post(self, request):
        result = connection_test(connection=self.connection())
        request.session["sync_check"] = {
            "reachable": result.reachable,
            "authenticated": result.authenticated,
            "resources": result.resources,
            "message": result.message,
            "ok": result.ok,
        }
        return redirect(reverse("clinic_sync:overview"))


class SyncNowView(_Action):
    def post(self, request):
        connection = self.connection()
        type(connection).objects.filter(pk=connection.pk).update(next_run_at=timezone.now())
        queue_run(connection.pk, trigger="staff")
        messages.success(request, _("Sync started. This page shows its progress."))
        return redirect(reverse("clinic_sync:overview"))


class UndoMergeView(_Action):
    def post(self, request, pk):
        if not PetMerge.objects.filter(clinic=self.clinic, pk=pk).exists():
            raise Http404  # another clinic's merge is simply not there
        try:
            pet_merge_undo(clinic=self.clinic, merge_id=pk, actor=request.user, request=request)
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _("The two pet profiles are separate again."))
        return redirect(reverse("clinic_sync:overview"))


class ReinstateView(_Action):
    def post(self, request, pk):
        if not PetSyncState.objects.filter(clinic=self.clinic, pet_id=pk).exists():
            raise Http404  # another clinic's pet, or one the sync never took out
        try:
            pet = pet_reinstate(clinic=self.clinic, pet_id=pk, actor=request.user, request=request)
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _("%(name)s is back in the app.") % {"name": pet.name})
        return redirect(reverse("clinic_sync:overview"))


class ResolveView(_Action):
    def post(self, request, pk):
        updated = BookingLink.objects.filter(
            clinic=self.clinic, pk=pk, state=LinkState.NEEDS_ATTENTION
        ).update(state=LinkState.SYNCED, resolved_at=timezone.now())
        if not updated:
            raise Http404
        messages.success(request, _("Marked as dealt with."))
        return redirect(reverse("clinic_sync:overview"))


urlpatterns = [
    path("", SyncOverviewView.as_view(), name="overview"),
    path("test/", TestView.as_view(), name="test"),
    path("run/", SyncNowView.as_view(), name="run"),
    path("merges/<id:pk>/undo/", UndoMergeView.as_view(), name="undo_merge"),
    path("pets/<id:pk>/reinstate/", ReinstateView.as_view(), name="reinstate"),
    path("attention/<id:pk>/resolve/", ResolveView.as_view(), name="resolve"),
]
