"""The clinic's Feedback list (managers and staff): post-visit ratings and comments,
newest first, open ones first to follow up; viewing the list and marking one followed up
are audited."""

from django.http import Http404
from django.shortcuts import redirect
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django.views.generic import TemplateView
from wagtail.admin import messages
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin

from people.admin_toolkit.workspace import ClinicWorkspaceMixin
from people.models import AuditAction
from people.services import audit_record
from records.feedback.selectors import clinic_feedback
from records.feedback.services import feedback_mark_followed_up

PER_PAGE = 100


class FeedbackListView(ClinicWorkspaceMixin, WagtailAdminTemplateMixin, TemplateView):
    template_name = "records/admin/feedback_list.html"
    page_title = gettext_lazy("Feedback")
    header_icon = "comment"

    def get_page_subtitle(self):
        return self.clinic.name

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        show_all = self.request.GET.get("show") == "all"
        context.update(
            feedback=list(clinic_feedback(self.clinic, open_only=not show_all)[:PER_PAGE]),
            show_all=show_all,
        )
        audit_record(
            clinic=self.clinic,
            actor=self.request.user,
            action=AuditAction.VIEW,
            summary=f"Viewed {'all' if show_all else 'open'} feedback "
            f"({len(context['feedback'])} shown)",
            request=self.request,
        )
        return context


class FeedbackFollowUpView(ClinicWorkspaceMixin, View):
    http_method_names = ["post"]

    def post(self, request, pk):
        feedback = clinic_feedback(self.clinic).filter(pk=pk).first()
        if feedback is None:  # another clinic's feedback is simply not there
            raise Http404(_("No such feedback."))
        feedback_mark_followed_up(
            clinic=self.clinic, feedback=feedback, actor=request.user, request=request
        )
        messages.success(request, _("Marked as followed up."))
        return redirect(reverse("clinic_feedback:list"))


urlpatterns = [
    path("", FeedbackListView.as_view(), name="list"),
    path("<id:pk>/follow-up/", FeedbackFollowUpView.as_view(), name="follow_up"),
]
