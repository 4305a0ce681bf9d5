"""The Reports area: "Revenue impact" in Wagtail's Reports menu, shown to the roles
that may open at least one section (managers, front desk)."""

from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks

from people.admin_toolkit.menus import RoleMenuItem
from people.admin_toolkit.workspace import FRONT_DESK
from reports import views


@hooks.register("register_reports_menu_item")
def register_revenue_impact_item():
    return RoleMenuItem(
        _("Revenue impact"),
        reverse("reports_index"),
        name="revenue-impact",
        icon_name="doc-full",
        order=50,
        roles=FRONT_DESK,
    )


@hooks.register("register_admin_urls")
def register_report_urls():
    return [
        path("revenue-impact/", views.ReportsIndexView.as_view(), name="reports_index"),
        path(
            "revenue-impact/settings/", views.ReportSettingsView.as_view(), name="reports_settings"
        ),
        path(
            "revenue-impact/<slug:key>/", views.ReportSectionView.as_view(), name="reports_section"
        ),
        path(
            "revenue-impact/<slug:key>/<slug:table>.csv",
            views.ReportCSVView.as_view(),
            name="reports_csv",
        ),
    ]
