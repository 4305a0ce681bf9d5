"""The client's messages (/messages/): every thread with the clinic, unread first to the
eye, a reply box in chats, a new conversation of their own (with a file if they like),
and their own files. Another person's thread or file answers 404."""

from django import forms
from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from branding.errors import DomainError
from people.selectors import client_account_for_user
from people.services import client_account_ensure
from portal_pages.access import rate_limited, signed_in
from records.attachments import attachment_response
from records.message_selectors import client_attachment, client_thread, threads_for_client
from records.message_services import (
    MAX_BODY,
    client_reply,
    client_thread_start,
    thread_read_by_client,
)

ACCEPT = "image/jpeg,image/png,image/webp,application/pdf"


def _attachment_field():
    # Checked by content in records.attachments (not by name or declared type).
    return forms.FileField(
        label=gettext_lazy("Attach a file (optional)"),
        required=False,
        widget=forms.FileInput(attrs={"accept": ACCEPT}),
        help_text=gettext_lazy("A photo (JPEG, PNG or WebP) or a PDF."),
    )


class ReplyForm(forms.Form):
    body = forms.CharField(
        label=gettext_lazy("Your reply"),
        max_length=MAX_BODY,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    attachment = _attachment_field()


class NewMessageForm(forms.Form):
    subject = forms.CharField(label=gettext_lazy("Subject"), max_length=120)
    body = forms.CharField(
        label=gettext_lazy("Message"),
        max_length=MAX_BODY,
        widget=forms.Textarea(attrs={"rows": 5}),
    )
    attachment = _attachment_field()


def _apply_error(form, exc):
    form.add_error(exc.field if exc.field in form.fields else None, exc.message)


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
def message_new(request):
    """Start a conversation with the clinic: a subject, a message and, if wanted, a file."""
    clinic = request.clinic
    form = NewMessageForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            thread = client_thread_start(
                clinic=clinic,
                client=client_account_ensure(clinic=clinic, user=request.user),
                author=request.user,
                subject=data["subject"],
                body=data["body"],
                attachment=data.get("attachment"),
            )
        except DomainError as exc:
            _apply_error(form, exc)
        else:
            messages.success(request, _("Your message was sent to the clinic."))
            return redirect("portal:message_thread", thread_id=thread.pk)
    return render(request, "portal_pages/messages/new.html", {"form": form})


@signed_in
@rate_limited("message")
def message_thread(request, thread_id):
    clinic = request.clinic
    client = client_account_for_user(clinic, request.user)
    thread = client_thread(clinic, client, thread_id)
    if thread is None:
        raise Http404(_("No such conversation."))
    form = (
        ReplyForm(request.POST or None, request.FILES or None) if thread.accepts_replies else None
    )
    if request.method == "POST":
        if form is None:
            raise Http404(_("This message does not take replies."))
        if form.is_valid():
            try:
                client_reply(
                    thread=thread,
                    author=request.user,
                    body=form.cleaned_data["body"],
                    attachment=form.cleaned_data.get("attachment"),
                )
            except DomainError as exc:
                _apply_error(form, exc)
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


@signed_in
def message_attachment(request, message_id):
    """A file in one of the client's own threads; anyone else's answers 404."""
    clinic = request.clinic
    message = client_attachment(clinic, client_account_for_user(clinic, request.user), message_id)
    if message is None:
        raise Http404(_("No such file."))
    return attachment_response(message)
