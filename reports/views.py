"""The Reports area of the admin ("Revenue impact"): an index of the sections the
person's role allows, each section's page (figures, a chart and a table per table) and
its CSV files. The admin clinic only; the period on the clinic's wall clock."""

import csv

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.views.generic import FormView, TemplateView, View
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin

from branding import clinic_time
from people.admin_toolkit.workspace import (
    FRONT_DESK,
    MANAGERS,
    ClinicWorkspaceMixin,
    request_admin_role,
)
from reports import charts, display, registry
from reports.forms import PeriodForm, ReportSettingsForm
from reports.selectors import report_settings
from reports.services import report_settings_update


class ReportsIndexView(ClinicWorkspaceMixin, WagtailAdminTemplateMixin, TemplateView):
    roles = FRONT_DESK
    template_name = "reports/index.html"
    page_title = _("Revenue impact")
    header_icon = "doc-full"

    def get_page_subtitle(self):
        return self.clinic.name

    def get_breadcrumbs_items(self):
        return [
            {"url": reverse("wagtailadmin_home"), "label": _("Home")},
            {"url": "", "label": _("Revenue impact")},
        ]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["sections"] = registry.sections(request_admin_role(self.request))
        context["may_configure"] = request_admin_role(self.request) in MANAGERS
        return context


class SectionMixin(ClinicWorkspaceMixin):
    roles = FRONT_DESK

    def dispatch(self, request, *args, **kwargs):
        self.section = registry.section(kwargs["key"])
        if self.section is None:
            raise Http404
        return super().dispatch(request, *args, **kwargs)

    def build(self):
        if request_admin_role(self.request) not in self.section.roles:
            raise PermissionDenied
        self.form = PeriodForm(self.request.GET or None, clinic=self.clinic)
        period, location, granularity = self.form.query_values()
        query = registry.ReportQuery(
            clinic=self.clinic,
            period=period,
            location=location,
            granularity=granularity,
            settings=report_settings(self.clinic),
        )
        return query, registry.as_result(self.section.build(query))


class ReportSectionView(SectionMixin, WagtailAdminTemplateMixin, TemplateView):
    template_name = "reports/section.html"
    header_icon = "doc-full"

    def get_page_title(self):
        return self.section.title

    def get_breadcrumbs_items(self):
        return [
            {"url": reverse("wagtailadmin_home"), "label": _("Home")},
            {"url": reverse("reports_index"), "label": _("Revenue impact")},
            {"url": "", "label": self.section.title},
        ]

    def get_page_subtitle(self):
        return self.clinic.name

    def get_context_data(self, **kwargs):
        query, result = self.build()
        context = super().get_context_data(**kwargs)
        currency = self.clinic.currency
        context.update(
            section=self.section,
            form=self.form,
            query=query,
            result=result,
            period_text=_period_text(query.period),
            previous_text=_period_text(query.period.previous),
            figures=[
                {
                    "label": f.label,
                    "current": display.show(f.current, f.kind, currency),
                    "previous": display.show(f.previous, f.kind, currency),
                }
                for f in result.figures
            ],
            tables=[
                {
                    "table": t,
                    "chart": charts.render(t, currency=currency, chart_id=f"chart-{t.key}"),
                    "headers": [c.label for c in t.columns],
                    "rows": [
                        [display.show(row.get(c.key), c.kind, currency) for c in t.columns]
                        for row in t.rows
                    ],
                    "csv_query": self.request.GET.urlencode(),
                }
                for t in result.tables
            ],
            sections=registry.sections(request_admin_role(self.request)),
        )
        return context


def _period_text(period):
    return f"{clinic_time.format_date(period.first)} – {clinic_time.format_date(period.last)}"


class ReportCSVView(SectionMixin, View):
    def get(self, request, *args, **kwargs):
        query, result = self.build()
        table = next((t for t in result.tables if t.key == kwargs["table"]), None)
        if table is None:
            raise Http404
        response = HttpResponse(content_type="text/csv; charset=utf-8")
        period = query.period
        name = f"{self.clinic.slug}-{self.section.key}-{table.key}-{period.first}-{period.last}.csv"
        response["Content-Disposition"] = f'attachment; filename="{name}"'
        writer = csv.writer(response)
        for row in display.csv_rows(table, self.clinic.currency):
            writer.writerow(row)
        return response


class ReportSettingsView(ClinicWorkspaceMixin, WagtailAdminTemplateMixin, FormView):
    roles = MANAGERS
    template_name = "reports/settings.html"
    page_title = _("Report settings")
    header_icon = "cog"
    form_class = ReportSettingsForm

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs["instance"] = report_settings(self.clinic)
        return kwargs

    def form_valid(self, form):
        report_settings_update(
            clinic=self.clinic, actor=self.request.user, request=self.request, **form.cleaned_data
        )
        messages.success(self.request, _("Report settings saved."))
        return redirect("reports_index")
