"""The account view's small POST actions: one contact field, archive and deactivate,
notes, communication preferences. Each calls one service; a bad value answers with the
field named and nothing written. ``fetch`` callers (Accept: application/json) get JSON;
plain form posts are redirected back with a message."""

from django.http import JsonResponse
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _
from django.views import View
from wagtail.admin import messages

from branding import clinic_time
from branding.errors import DomainError
from people.account_tabs import client_tab_url
from people.admin_toolkit.responses import json_error, wants_json
from people.admin_toolkit.workspace import ClinicWorkspaceMixin, request_admin_role
from people.models import ClientNote
from people.services import (
    CLIENT_EDITABLE_FIELDS,
    client_archive,
    client_deactivate,
    client_online_booking_unblock,
    client_preferences_update,
    client_reactivate,
    client_unarchive,
    client_update,
    note_create,
    note_pin,
)
from records.errors import RecordsErrorCode
from records.workspace.access import ALL_ROLES, EDITORS, client_for_viewer
from records.workspace.tabs import PREFERENCE_FIELDS


class ClientActionView(ClinicWorkspaceMixin, View):
    """A POST about one client of the admin clinic (404 for anyone else's)."""

    http_method_names = ["post"]
    roles = EDITORS
    tab = "overview"

    def post(self, request, pk, **kwargs):
        self.account = client_for_viewer(
            self.clinic, pk, user=request.user, role=request_admin_role(request)
        )
        return self.act(request, **kwargs)

    def back(self):
        return redirect(client_tab_url(self.account.pk, self.tab))

    def refused(self, error):
        if wants_json(self.request):
            return json_error(error)
        messages.error(self.request, error.message)
        return self.back()


class ClientFieldView(ClientActionView):
    """Save one contact detail (or tags, VIP) as soon as staff leave the field."""

    def act(self, request):
        field = request.POST.get("field", "")
        if field not in CLIENT_EDITABLE_FIELDS:
            return self.refused(
                DomainError(
                    _("This field cannot be changed here."),
                    field=field,
                    code=RecordsErrorCode.FIELD_NOT_EDITABLE,
                )
            )
        value = request.POST.get("value", "")
        try:
            account = client_update(
                clinic=self.clinic,
                account=self.account,
                actor=request.user,
                field=field,
                value=value,
                request=request,
            )
        except DomainError as error:
            return self.refused(error)
        saved = account.user if field in ("first_name", "last_name", "email") else account
        shown = getattr(saved, field)
        if field == "tags":
            shown = ", ".join(shown)
        elif field == "date_of_birth":
            shown = shown.strftime(clinic_time.date_input_format()) if shown else ""
        if wants_json(request):
            return JsonResponse({"field": field, "value": shown})
        messages.success(request, _("Saved."))
        return self.back()


class ClientStatusView(ClientActionView):
    """Archive or restore, deactivate or reactivate."""

    ACTIONS = {
        "archive": (client_archive, _("%(name)s is archived: hidden from lists, nothing deleted.")),
        "unarchive": (client_unarchive, _("%(name)s is back in the client list.")),
        "deactivate": (client_deactivate, _("%(name)s can no longer book online.")),
        "reactivate": (client_reactivate, _("%(name)s is active again.")),
        "unblock": (client_online_booking_unblock, _("%(name)s can book online again.")),
    }

    def act(self, request):
        action = self.ACTIONS.get(request.POST.get("action", ""))
        if action is None:
            return self.refused(
                DomainError(
                    _("Unknown action."), field="action", code=RecordsErrorCode.UNKNOWN_ACTION
                )
            )
        service, message = action
        try:
            service(clinic=self.clinic, account=self.account, actor=request.user, request=request)
        except DomainError as error:
            return self.refused(error)
        messages.success(request, message % {"name": self.account.name})
        return self.back()


class NoteCreateView(ClientActionView):
    roles = ALL_ROLES
    tab = "notes"

    def act(self, request):
        try:
            note_create(
                clinic=self.clinic,
                account=self.account,
                author=request.user,
                body=request.POST.get("body", ""),
                pinned=request.POST.get("pinned") == "on",
                request=request,
            )
        except DomainError as error:
            return self.refused(error)
        messages.success(request, _("Note added."))
        return self.back()


class NotePinView(ClientActionView):
    roles = ALL_ROLES
    tab = "notes"

    def act(self, request, note_pk):
        note = get_object_or_404(ClientNote, pk=note_pk, clinic=self.clinic, client=self.account)
        note_pin(
            clinic=self.clinic,
            note=note,
            actor=request.user,
            pinned=request.POST.get("pinned") == "1",
            request=request,
        )
        return self.back()


class PreferencesView(ClientActionView):
    """The whole preferences form: each box ticked or not."""

    tab = "preferences"

    def act(self, request):
        values = {name: request.POST.get(name) == "on" for name in PREFERENCE_FIELDS}
        try:
            client_preferences_update(
                clinic=self.clinic,
                account=self.account,
                actor=request.user,
                values=values,
                request=request,
            )
        except DomainError as error:
            return self.refused(error)
        messages.success(request, _("Communication preferences saved."))
        return self.back()
