"""The desk's "Inbox" (Clinic → Inbox): the clinic's conversations across clients,
unread first, then newest; filter unassigned / mine / all and unread only; assign,
reassign or unassign a conversation (managers and front desk, ``records.inbox_services``);
open one to read and reply in the existing thread view. The menu entry shows how many
conversations wait. Therapists see their clients' conversations and those assigned to
them (``records.inbox_selectors``)."""

from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect
from django.urls import path, reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django.views.generic import TemplateView
from wagtail.admin import messages
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin

from branding.errors import DomainError
from people.admin_toolkit.menus import RoleMenuItem
from people.admin_toolkit.workspace import (
    ClinicWorkspaceMixin,
    request_admin_clinic,
    request_admin_role,
)
from people.models import AuditAction, StaffRole
from people.services import audit_record
from records.inbox_selectors import (
    SHOW_ALL,
    SHOWS,
    assignable_staff,
    assignable_user,
    inbox_thread,
    inbox_threads,
    inbox_unread_count,
)
from records.inbox_services import ASSIGNERS, thread_assign
from records.workspace.access import ALL_ROLES

PER_PAGE = 30


class InboxView(ClinicWorkspaceMixin, WagtailAdminTemplateMixin, TemplateView):
    template_name = "records/admin/inbox.html"
    page_title = gettext_lazy("Inbox")
    header_icon = "mail"
    roles = ALL_ROLES

    def get_page_subtitle(self):
        return self.clinic.name

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        request = self.request
        role = request_admin_role(request)
        show = request.GET.get("show")
        show = show if show in SHOWS else SHOW_ALL
        unread_only = request.GET.get("unread") == "1"
        threads = inbox_threads(
            self.clinic, user=request.user, role=role, show=show, unread_only=unread_only
        )
        page = Paginator(threads, PER_PAGE).get_page(request.GET.get("page"))
        may_assign = role in ASSIGNERS
        context.update(
            page=page,
            threads=list(page.object_list),
            show=show,
            unread_only=unread_only,
            shows=[
                (SHOW_ALL, _("All")),
                ("mine", _("Assigned to me")),
                ("unassigned", _("Unassigned")),
            ],
            may_assign=may_assign,
            staff=assignable_staff(self.clinic) if may_assign else [],
            query_base=f"show={show}" + ("&unread=1" if unread_only else ""),
        )
        # Like the client list, each look at the inbox (it names clients) is audited.
        audit_record(
            clinic=self.clinic,
            actor=request.user,
            action=AuditAction.VIEW,
            summary=f"Viewed the inbox ({show}{', unread only' if unread_only else ''}; "
            f"page {page.number}, {len(context['threads'])} shown)",
            request=request,
        )
        return context


class AssignView(ClinicWorkspaceMixin, View):
    """POST ``assignee`` (a staff member's user id, or empty to unassign)."""

    http_method_names = ["post"]
    roles = ALL_ROLES  # the service says who may assign, with a message

    def post(self, request, pk):
        role = request_admin_role(request)
        thread = inbox_thread(self.clinic, pk, user=request.user, role=role)
        if thread is None:  # another clinic's conversation, or one this person cannot see
            raise Http404(_("No such conversation."))
        assignee_id = request.POST.get("assignee", "")
        assignee = None
        if assignee_id:
            assignee = assignable_user(self.clinic, assignee_id) if assignee_id.isdigit() else None
            if assignee is None:
                messages.error(request, _("Choose someone on the clinic's staff."))
                return self._back(request)
        try:
            thread = thread_assign(
                clinic=self.clinic,
                thread=thread,
                assignee=assignee,
                actor=request.user,
                request=request,
            )
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            if assignee is None:
                messages.success(
                    request, _("“%(subject)s” is unassigned.") % {"subject": thread.subject}
                )
            else:
                messages.success(
                    request,
                    _("“%(subject)s” is assigned to %(name)s.")
                    % {
                        "subject": thread.subject,
                        "name": assignee.get_full_name() or assignee.email,
                    },
                )
        return self._back(request)

    def _back(self, request):
        back = request.POST.get("next", "")
        if not url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()}):
            back = reverse("clinic_inbox:list")
        return redirect(back)


class InboxMenuItem(RoleMenuItem):
    """ "Inbox", with how many conversations wait for the desk (one query per page)."""

    def render_component(self, request):
        component = super().render_component(request)
        clinic = request_admin_clinic(request)
        count = (
            inbox_unread_count(clinic, user=request.user, role=request_admin_role(request))
            if clinic is not None
            else 0
        )
        if count:
            component.label = _("Inbox (%(count)s)") % {"count": count}
        return component


def inbox_menu_item():
    return InboxMenuItem(
        gettext_lazy("Inbox"),
        reverse("clinic_inbox:list"),
        name="clinic-inbox",
        icon_name="mail",
        order=110,
        roles=(StaffRole.MANAGER, StaffRole.STAFF, StaffRole.THERAPIST),
    )


urlpatterns = [
    path("", InboxView.as_view(), name="list"),
    path("<id:pk>/assign/", AssignView.as_view(), name="assign"),
]
