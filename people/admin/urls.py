"""The clinic workspace's URLs (``/admin/clinic/``, namespace ``clinic_workspace``)."""

from django.urls import path

from people.admin.invite import ClientInviteView
from people.admin.team import TeamView
from people.admin_toolkit.workspace import switch_clinic


def workspace_urlpatterns():
    # The client workspace's views build on the toolkit and may import this package:
    # imported when the URLs are built, not at the top.
    from people.workspace import client_actions as actions
    from people.workspace.client_account import ClientDetailView
    from people.workspace.client_list import ClientIndexView

    client = "clients/<int:pk>/"
    return [
        path("clients/", ClientIndexView.as_view(), name="clients"),
        path("clients/invite/", ClientInviteView.as_view(), name="client_invite"),
        path(client, ClientDetailView.as_view(), name="client_detail"),
        path(f"{client}field/", actions.ClientFieldView.as_view(), name="client_field"),
        path(f"{client}status/", actions.ClientStatusView.as_view(), name="client_status"),
        path(f"{client}notes/", actions.NoteCreateView.as_view(), name="client_note_create"),
        path(
            f"{client}notes/<int:note_pk>/pin/",
            actions.NotePinView.as_view(),
            name="client_note_pin",
        ),
        path(
            f"{client}preferences/",
            actions.PreferencesView.as_view(),
            name="client_preferences",
        ),
        path("team/", TeamView.as_view(), name="team"),
        path("switch/", switch_clinic, name="switch"),
    ]
