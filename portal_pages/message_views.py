"""The client's messages (/messages/): every thread with the clinic, unread first to the
eye, and a reply box in chats. Another person's thread answers 404."""

from django import forms
from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from branding.errors import DomainError
from people.selectors import client_account_for_user
from portal_pages.access import rate_limited, signed_in
from records.message_selectors import client_thread, threads_for_client
from records.message_services import MAX_BODY, client_reply, thread_read_by_client


class ReplyForm(forms.Form):
    body = forms.CharField(
        label=gettext_lazy("Your reply"),
        max_length=MAX_BODY,
        widget=forms.Textarea(attrs={"rows": 4}),
    )


@signed_in
def messages_list(request):
    clinic = request.clinic
    client = client_account_for_user(clinic, request.user)
    return render(
        request,
        "portal_pages/messages/list.html",
        {"threads": list(threads_for_client(clinic, client))},
    )


@signed_in
@rate_limited("message")
def message_thread(request, thread_id):
    clinic = request.clinic
    client = client_account_for_user(clinic, request.user)
    thread = client_thread(clinic, client, thread_id)
    if thread is None:
        raise Http404(_("No such conversation."))
    form = ReplyForm(request.POST or None) if thread.accepts_replies else None
    if request.method == "POST":
        if form is None:
            raise Http404(_("This message does not take replies."))
        if form.is_valid():
            try:
                client_reply(thread=thread, author=request.user, body=form.cleaned_data["body"])
            except DomainError as exc:
                form.add_error("body" if exc.field == "body" else None, exc.message)
            else:
                messages.success(request, _("Your reply was sent."))
                return redirect("portal:message_thread", thread_id=thread.pk)
    else:
        thread_read_by_client(thread=thread)
    return render(
        request,
        "portal_pages/messages/thread.html",
        {"thread": thread, "thread_messages": list(thread.messages.all()), "form": form},
    )
