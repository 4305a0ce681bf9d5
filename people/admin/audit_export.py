"""The audit log's export (managers): every entry of the admin clinic made between two
days of the clinic's calendar, as a CSV file with times on the clinic's wall clock. The
export is itself an entry in the audit log."""

import csv
import datetime
import json
import zoneinfo

from django import forms
from django.http import HttpResponse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.generic import FormView
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin

from branding.spreadsheets import cell_text
from people.admin_toolkit.fields import ClinicDateField
from people.admin_toolkit.workspace import MANAGERS, ClinicWorkspaceMixin
from people.models import AuditAction
from people.selectors import audit_entries_between
from people.services import audit_record

MAX_DAYS = 731  # two years a file, as the reports


class AuditExportForm(forms.Form):
    first = ClinicDateField(label=_("From"))
    last = ClinicDateField(label=_("To (inclusive)"))

    def clean(self):
        data = super().clean()
        first, last = data.get("first"), data.get("last")
        if first and last:
            if last < first:
                self.add_error("last", _("The last day is before the first."))
            elif (last - first).days + 1 > MAX_DAYS:
                self.add_error("last", _("At most %(days)d days in one file.") % {"days": MAX_DAYS})
        return data


def audit_csv_rows(entries, tz):
    yield [
        gettext("When (%(zone)s)") % {"zone": tz.key},
        gettext("Who"),
        gettext("Action"),
        gettext("Client"),
        gettext("Summary"),
        gettext("Changes"),
        gettext("IP address"),
        gettext("User agent"),
    ]
    for entry in entries:
        client = entry.client
        yield [
            cell_text(v)
            for v in (
                entry.created_at.astimezone(tz).strftime("%Y-%m-%d %H:%M:%S"),
                entry.actor.email if entry.actor else "",
                entry.get_action_display(),
                f"{client.name} (#{client.pk})" if client else "",
                entry.summary,
                json.dumps(entry.changes, ensure_ascii=False, default=str) if entry.changes else "",
                entry.ip_address or "",
                entry.user_agent,
            )
        ]


class AuditExportView(ClinicWorkspaceMixin, WagtailAdminTemplateMixin, FormView):
    roles = MANAGERS
    template_name = "people/admin/audit_export.html"
    form_class = AuditExportForm
    page_title = _("Audit log")
    header_icon = "history"

    def get_page_subtitle(self):
        return self.clinic.name

    def form_valid(self, form):
        first, last = form.cleaned_data["first"], form.cleaned_data["last"]
        tz = zoneinfo.ZoneInfo(self.clinic.timezone)
        start = datetime.datetime.combine(first, datetime.time.min, tzinfo=tz)
        end = datetime.datetime.combine(
            last + datetime.timedelta(days=1), datetime.time.min, tzinfo=tz
        )
        entries = list(audit_entries_between(self.clinic, start, end))
        audit_record(
            clinic=self.clinic,
            actor=self.request.user,
            action=AuditAction.EXPORT,
            summary=f"Exported the audit log {first.isoformat()} to {last.isoformat()} "
            f"({len(entries)} entries)",
            request=self.request,
        )
        response = HttpResponse(content_type="text/csv; charset=utf-8")
        name = f"{self.clinic.slug}-audit-{first.isoformat()}-{last.isoformat()}.csv"
        response["Content-Disposition"] = f'attachment; filename="{name}"'
        response["Cache-Control"] = "private, no-store"
        writer = csv.writer(response)
        writer.writerows(audit_csv_rows(entries, tz))
        return response
