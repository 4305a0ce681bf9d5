"""The "Messages" tab of the client account view: the whole history, unread counts,
start a chat or send a one-way notification, open a thread and reply. Every message
staff send and every thread they open is in the audit log (``records.message_services``)."""

from django import forms
from django.http import Http404
from django.shortcuts import redirect
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django.views.generic import FormView
from wagtail.admin import messages
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin

from booking_api.client_selectors import client_seen_by_staff_user
from branding.errors import DomainError
from people.account_tabs import ClientAccountTab, client_tab_url, per_request
from people.admin_toolkit.workspace import FRONT_DESK, request_admin_role
from people.models import AuditAction
from records.admin_tabs.base import ClientRecordMixin
from records.attachments import attachment_response
from records.message_selectors import (
    clinic_thread,
    staff_attachment,
    staff_unread_count,
    threads_page_for_staff,
)
from records.message_services import (
    MAX_BODY,
    staff_reply,
    thread_read_by_staff,
    thread_start,
)
from records.models import ThreadKind
from records.workspace.access import ALL_ROLES

TAB = "messages"


class NewMessageForm(forms.Form):
    kind = forms.ChoiceField(
        label=gettext_lazy("Kind"),
        choices=[
            (ThreadKind.CHAT, gettext_lazy("Chat (the client can reply)")),
            (ThreadKind.NOTICE, gettext_lazy("One-way notification")),
        ],
        widget=forms.RadioSelect,
        initial=ThreadKind.CHAT,
    )
    subject = forms.CharField(label=gettext_lazy("Subject"), max_length=120)
    body = forms.CharField(
        label=gettext_lazy("Message"), max_length=MAX_BODY, widget=forms.Textarea(attrs={"rows": 4})
    )


class ReplyForm(forms.Form):
    body = forms.CharField(
        label=gettext_lazy("Reply"), max_length=MAX_BODY, widget=forms.Textarea(attrs={"rows": 4})
    )


def _apply_error(form, error):
    form.add_error(error.field if error.field in form.fields else None, error.message)


class NewMessageView(ClientRecordMixin, WagtailAdminTemplateMixin, FormView):
    template_name = "records/admin/tabs/message_new.html"
    form_class = NewMessageForm
    page_title = gettext_lazy("New message")
    header_icon = "mail"

    def get_page_subtitle(self):
        return self.account.name

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["account"] = self.account
        return context

    def form_valid(self, form):
        try:
            thread = thread_start(
                clinic=self.clinic,
                client=self.account,
                author=self.request.user,
                request=self.request,
                **form.cleaned_data,
            )
        except DomainError as exc:
            _apply_error(form, exc)
            return self.form_invalid(form)
        messages.success(self.request, _("Sent to %(name)s.") % {"name": self.account.name})
        if thread.kind == ThreadKind.CHAT:
            return _redirect_thread(self.account, thread)
        return self.back_to_tab(TAB)


def _redirect_thread(account, thread):
    return redirect("client_records:message_thread", client_pk=account.pk, thread_id=thread.pk)


class ThreadView(ClientRecordMixin, WagtailAdminTemplateMixin, FormView):
    """One thread: reading it marks the client's messages read; staff reply here. The
    front desk opens any of the clinic's threads; a therapist those the inbox lists for
    them — assigned to them, or of a client they have (or had) an appointment with —
    else 404."""

    template_name = "records/admin/tabs/message_thread.html"
    form_class = ReplyForm
    header_icon = "mail"
    roles = ALL_ROLES

    @property
    def thread(self):
        if not hasattr(self, "_thread"):
            self._thread = clinic_thread(self.clinic, self.account, self.kwargs["thread_id"])
            if self._thread is None or not self._may_open(self._thread):
                raise Http404(_("No such conversation."))
        return self._thread

    def _may_open(self, thread):
        if request_admin_role(self.request) in FRONT_DESK:
            return True
        if thread.assigned_to_id == self.request.user.pk:
            return True
        return client_seen_by_staff_user(self.clinic, self.account, self.request.user)

    def get_page_title(self):
        return self.thread.subject

    def get_page_subtitle(self):
        return self.account.name

    def get(self, request, *args, **kwargs):
        thread_read_by_staff(thread=self.thread, actor=request.user, request=request)
        return super().get(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(
            account=self.account,
            thread=self.thread,
            thread_messages=list(self.thread.messages.select_related("author")),
            back_url=client_tab_url(self.account.pk, TAB),
            inbox_url=reverse("clinic_inbox:list"),
        )
        return context

    def form_valid(self, form):
        try:
            staff_reply(
                thread=self.thread,
                author=self.request.user,
                body=form.cleaned_data["body"],
                request=self.request,
            )
        except DomainError as exc:
            _apply_error(form, exc)
            return self.form_invalid(form)
        messages.success(self.request, _("Reply sent."))
        return _redirect_thread(self.account, self.thread)


class AttachmentView(ClientRecordMixin, View):
    """A file the client attached, downloaded by the clinic's staff (audited as a view).
    Another client's (or clinic's) file answers 404."""

    def get(self, request, *args, **kwargs):
        message = staff_attachment(self.clinic, self.account, self.kwargs["message_id"])
        if message is None:
            raise Http404(_("No such file."))
        self.audit(
            AuditAction.VIEW,
            f"Downloaded “{message.attachment_name}” from {self.account.name}'s messages",
        )
        return attachment_response(message)


THREADS_PER_PAGE = 25


def _unread(request, clinic, account):
    """The client's messages staff have not read, counted once per request (the tab's
    label and its panel)."""
    return per_request(
        request, ("staff_unread", account.pk), lambda: staff_unread_count(clinic, account)
    )


def messages_tab_context(request, clinic, account):
    """Everyone who may open the client reads the messages here; writing (a new message,
    opening a thread to reply, which marks it read for the desk) is the front desk's, so
    only they are offered those links."""
    value = request.GET.get("threads_page", "")
    page = int(value) if value.isdigit() and int(value) > 0 else 1
    threads, more = threads_page_for_staff(clinic, account, page=page, per_page=THREADS_PER_PAGE)
    return {
        "threads": threads,
        "unread": _unread(request, clinic, account),
        "page": page,
        "newer_url": f"?tab={TAB}&threads_page={page - 1}#tab-{TAB}" if page > 1 else None,
        "older_url": f"?tab={TAB}&threads_page={page + 1}#tab-{TAB}" if more else None,
        "new_url": reverse("client_records:message_new", kwargs={"client_pk": account.pk})
        if request_admin_role(request) in FRONT_DESK
        else None,
        "client_pk": account.pk,
    }


def messages_tab_label(request, clinic, account):
    unread = _unread(request, clinic, account)
    if not unread:
        return _("Messages")
    return _("Messages (%(count)s unread)") % {"count": unread}


def messages_tab():
    return ClientAccountTab(
        key=TAB,
        label=_("Messages"),
        group="messages",
        order=70,
        template_name="records/admin/tabs/messages.html",
        get_context=messages_tab_context,
        label_for=messages_tab_label,
    )


urlpatterns = [
    path("messages/new/", NewMessageView.as_view(), name="message_new"),
    path("messages/<id:thread_id>/", ThreadView.as_view(), name="message_thread"),
    path("messages/files/<id:message_id>/", AttachmentView.as_view(), name="message_attachment"),
]
