"""The clinic workspace's URLs (``/admin/clinic/``, namespace ``clinic_workspace``).

The client list and account view (``records.workspace``) join this namespace through the
``register_clinic_workspace_urls`` hook, so people never imports the apps above it."""

from django.urls import path

from people.admin.audit_export import AuditExportView
from people.admin.invite import ClientInviteView
from people.admin.team import TeamView
from people.admin_toolkit.workspace import switch_clinic


def workspace_urlpatterns():
    return [
        path("clients/invite/", ClientInviteView.as_view(), name="client_invite"),
        path("team/", TeamView.as_view(), name="team"),
        path("audit/", AuditExportView.as_view(), name="audit_export"),
        path("switch/", switch_clinic, name="switch"),
    ]
