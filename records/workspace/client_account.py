"""The client account view: a header with who the client is and how they stand, then
the tabs every app contributes (``people.account_tabs``). Opening it is audited.

Only the chosen tab is computed and rendered (the Overview, or ``?tab=<key>``); the
others are in the tab bar and fetched when opened, from the same URL with
``?tab=<key>&partial=1`` (the tab's panel alone, same checks and audit)."""

from django.http import Http404
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.views.generic import TemplateView
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin

from booking_api.admin.overview import visit_summary_for
from booking_api.selectors import no_show_block
from branding.money import format_money
from payments.selectors import client_paid_total
from people.account_tabs import grouped_tabs, tab_bar, visible_tabs
from people.admin_toolkit.workspace import (
    FRONT_DESK,
    ClinicWorkspaceMixin,
    request_admin_role,
)
from people.models import AuditAction
from people.services import audit_record
from records.feedback.selectors import client_average_rating
from records.workspace.access import ALL_ROLES, client_for_viewer, may_edit
from records.workspace.tabs import calendar_url, client_notes


class ClientDetailView(ClinicWorkspaceMixin, WagtailAdminTemplateMixin, TemplateView):
    template_name = "records/admin/client_detail.html"
    page_title = _("Client")
    header_icon = "user"
    roles = ALL_ROLES

    def get(self, request, *args, **kwargs):
        self.account = client_for_viewer(
            self.clinic, kwargs["pk"], user=request.user, role=request_admin_role(request)
        )
        # Every staff read of a client record is in the audit log.
        audit_record(
            clinic=self.clinic,
            actor=request.user,
            action=AuditAction.VIEW,
            client=self.account,
            summary=f"Viewed {self.account.name}",
            request=request,
        )
        if request.GET.get("partial"):
            return self.partial(request)
        return super().get(request, *args, **kwargs)

    def chosen_tab(self, tabs):
        """The key of the tab to render: ``?tab=`` if this viewer sees it, else the first."""
        keys = [tab.key for tab in tabs]
        wanted = self.request.GET.get("tab")
        return wanted if wanted in keys else (keys[0] if keys else None)

    def partial(self, request):
        """One tab's panel, for the page's script to put in place when it is opened."""
        tabs = visible_tabs(request, self.clinic, self.account)
        tab = next((t for t in tabs if t.key == request.GET.get("tab")), None)
        if tab is None:
            raise Http404
        return TemplateResponse(
            request,
            "records/admin/client_tab_panel.html",
            {
                "account": self.account,
                "tab": tab,
                "tab_context": tab.get_context(request, self.clinic, self.account),
            },
        )

    def get_page_subtitle(self):
        return self.account.name

    def get_breadcrumbs_items(self):
        """Home › Clients › the client's name (the header shows the last)."""
        return [
            super().get_breadcrumbs_items()[0],
            {
                # Therapists have no client list: the crumb is a label, not a dead link.
                "url": reverse("clinic_workspace:clients")
                if request_admin_role(self.request) in FRONT_DESK
                else "",
                "label": _("Clients"),
            },
            {"url": "", "label": self.account.name},
        ]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        account = self.account
        summary = visit_summary_for(self.request, self.clinic, account)
        rating, ratings = client_average_rating(self.clinic, account)
        visible = visible_tabs(self.request, self.clinic, account)
        chosen = self.chosen_tab(visible)
        tabs = [
            (
                tab,
                tab.get_context(self.request, self.clinic, account) if tab.key == chosen else None,
            )
            for tab in visible
        ]
        context.update(
            account=account,
            tabs=tabs,
            chosen_tab=chosen,
            tab_bar=tab_bar(tabs, chosen),
            tab_groups=grouped_tabs(tabs),
            summary=summary,
            # What the client paid (cash and desk payments included, tips not), not the
            # prices of their visits.
            spent=format_money(client_paid_total(self.clinic, account), summary.currency),
            rating=rating,
            ratings=ratings,
            pinned_notes=[n for n in client_notes(self.request, self.clinic, account) if n.pinned],
            booking_block=no_show_block(self.clinic, account),
            book_url=calendar_url("new", query=f"?client={account.pk}"),
            can_edit=may_edit(request_admin_role(self.request)),
        )
        return context
