"""What the pets, photos and messages screens share: the client is loaded from the URL
within the admin clinic (another clinic's client, or a made-up id, answers 404) and every
change is written to the audit log by the view or the service it calls."""

from django.shortcuts import get_object_or_404, redirect
from django.views import View
from wagtail.admin import messages

from branding.errors import DomainError
from people.account_tabs import client_tab_url
from people.admin_toolkit.workspace import ClinicWorkspaceMixin
from people.models import ClientAccount
from people.services import audit_record


class ClientRecordMixin(ClinicWorkspaceMixin):
    """Sets ``self.account``: the client in the URL, at the admin clinic only."""

    def setup(self, request, *args, **kwargs):
        super().setup(request, *args, **kwargs)
        self._client_pk = kwargs["client_pk"]

    @property
    def account(self):
        if not hasattr(self, "_account"):
            self._account = get_object_or_404(
                ClientAccount.objects.select_related("user"),
                pk=self._client_pk,
                clinic=self.clinic,
            )
        return self._account

    def audit(self, action, summary, changes=None):
        audit_record(
            clinic=self.clinic,
            actor=self.request.user,
            action=action,
            client=self.account,
            summary=summary,
            changes=changes,
            request=self.request,
        )

    def back_to_tab(self, tab):
        return redirect(client_tab_url(self.account.pk, tab))


class ClientActionView(ClientRecordMixin, View):
    """A POST-only action on the client's record that returns to its tab with a message.
    Subclasses implement ``act()`` (returns the success message) and set ``tab``."""

    http_method_names = ["post"]
    tab = ""

    def post(self, request, *args, **kwargs):
        self.account  # noqa: B018 -- 404 before anything else for another clinic's client
        try:
            message = self.act()
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, message)
        return self.back_to_tab(self.tab)

    def act(self):
        raise NotImplementedError
