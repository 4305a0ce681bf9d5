"""The client list: search as you type, filters (tag, VIP, archived, last visit) and
pages. The same view answers the live search with just the results (``?partial=1``).
Each list or search shown is one ``search`` entry in the audit log (what was asked,
how many clients matched)."""

from django import forms
from django.core.paginator import Paginator
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.views.generic import TemplateView
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin

from booking_api.client_selectors import client_last_visits
from people.admin_toolkit.fields import ClinicDateField
from people.admin_toolkit.workspace import ClinicWorkspaceMixin
from people.models import AuditAction
from people.selectors import client_ids_with_notes, clinic_client_tags, clinic_clients
from people.services import audit_record
from records.message_selectors import staff_unread_by_client

VIP_CHOICES = [("", _("Any")), ("yes", _("VIP only")), ("no", _("Not VIP"))]


class ClientFilterForm(forms.Form):
    q = forms.CharField(label=_("Search by name, email or phone"), required=False, max_length=100)
    tag = forms.CharField(
        label=_("Tag"),
        required=False,
        max_length=40,
        widget=forms.TextInput(attrs={"list": "client-tags", "autocomplete": "off"}),
    )
    vip = forms.ChoiceField(label=_("VIP"), choices=VIP_CHOICES, required=False)
    archived = forms.BooleanField(label=_("Archived clients"), required=False)
    visited_from = ClinicDateField(label=_("Last visit from"), required=False)
    visited_to = ClinicDateField(label=_("Last visit to"), required=False)

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("visited_from"), cleaned.get("visited_to")
        if start and end and end < start:
            self.add_error("visited_to", _("The end of the range is before its start."))
        return cleaned

    def described(self):
        """What was asked, for the audit log: the filters given, as name=value."""
        data = self.cleaned_data
        asked = [
            f"{name}={data[name]!r}" if isinstance(data[name], str) else f"{name}={data[name]}"
            for name in self.fields
            if data.get(name) not in (None, "", False)
        ]
        return ", ".join(asked) or "no filters"

    def filters(self):
        data = self.cleaned_data
        return {
            "search": data["q"],
            "tag": data["tag"],
            "vip": {"yes": True, "no": False}.get(data["vip"]),
            "archived": data["archived"],
            "last_visit_from": data["visited_from"],
            "last_visit_to": data["visited_to"],
        }


class ClientIndexView(ClinicWorkspaceMixin, WagtailAdminTemplateMixin, TemplateView):
    template_name = "records/admin/client_index.html"
    results_template_name = "records/admin/_client_results.html"
    page_title = _("Clients")
    header_icon = "group"
    per_page = 50

    def get_page_subtitle(self):
        return self.clinic.name

    def get(self, request, *args, **kwargs):
        if request.GET.get("partial"):
            # Results as you type: only the results, without the admin page around them.
            context = self.results_context()
            return TemplateResponse(request, self.results_template_name, context)
        return self.render_to_response(self.get_context_data(**kwargs))

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(self.results_context())
        context.update(
            tags=clinic_client_tags(self.clinic),
            invite_url=reverse("clinic_workspace:client_invite"),
        )
        return context

    def results_context(self):
        context = {"clinic": self.clinic}
        form = ClientFilterForm(self.request.GET)
        page = None
        if form.is_valid():
            accounts = clinic_clients(self.clinic, **form.filters())
            page = Paginator(accounts, self.per_page).get_page(self.request.GET.get("page"))
            page.object_list = list(page.object_list)
            ids = [account.pk for account in page.object_list]
            with_notes = client_ids_with_notes(self.clinic, ids)
            last_visits = client_last_visits(self.clinic, ids)
            unread = staff_unread_by_client(self.clinic, ids)
            for account in page.object_list:
                account.has_notes = account.pk in with_notes
                account.last_visit_at = last_visits.get(account.pk)
                account.unread_messages = unread.get(account.pk, 0)
            live = " (live search)" if self.request.GET.get("partial") else ""
            audit_record(
                clinic=self.clinic,
                actor=self.request.user,
                action=AuditAction.SEARCH,
                summary=f"Searched the client list{live}: {form.described()}; "
                f"page {page.number} of {page.paginator.num_pages}, "
                f"{page.paginator.count} clients matched",
                request=self.request,
            )
        query = self.request.GET.copy()
        query.pop("page", None)
        query.pop("partial", None)
        context.update(
            form=form,
            page=page,
            query_string=query.urlencode(),
            filtered=any(form.data.get(name) for name in form.fields),
        )
        return context
