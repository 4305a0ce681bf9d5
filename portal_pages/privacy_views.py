"""The patient's "Your data" page: a copy of everything the clinic holds (asked for
here, made by the worker, downloaded once through a signed link), the erasure request,
and the consents to marketing and photo use (given or withdrawn, with their wording).
Thin: privacy's selectors and services decide."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from branding.errors import DomainError
from people.services import client_account_ensure
from privacy.models import ConsentKind, ExportStatus
from privacy.selectors import (
    consent_wording,
    consents_current,
    latest_erasure_request,
    latest_export,
)
from privacy.services import (
    consent_set,
    erasure_request,
    export_claim,
    export_link_token,
    export_request,
)


@login_required
def privacy(request):
    clinic = request.clinic
    account = client_account_ensure(clinic=clinic, user=request.user)
    export = latest_export(clinic, account)
    link = None
    if export and export.status == ExportStatus.READY and not export.link_expired:
        link = export_link_token(export)
    current = consents_current(clinic, account)
    consents = [
        {
            "kind": kind,
            "label": label,
            "wording": consent_wording(kind, clinic),
            "record": current[kind],
        }
        for kind, label in ConsentKind.choices
    ]
    return render(
        request,
        "portal_pages/account/privacy.html",
        {
            "export": export,
            "export_token": link,
            "erasure": latest_erasure_request(clinic, account),
            "consents": consents,
        },
    )


@login_required
@require_POST
def privacy_export(request):
    account = client_account_ensure(clinic=request.clinic, user=request.user)
    try:
        export_request(clinic=request.clinic, client=account)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request,
            _("We are preparing a copy of your data. We will tell you when it is ready."),
        )
    return redirect("portal:privacy")


@login_required
def privacy_download(request, token):
    """The zip, once. A link that is not this person's here, used or expired answers a
    page saying so (and how to get a new one)."""
    try:
        export, content = export_claim(clinic=request.clinic, user=request.user, token=token)
    except DomainError as error:
        response = render(
            request,
            "portal_pages/account/privacy_link.html",
            {"message": error.message},
            status=error.status,
        )
        response["Cache-Control"] = "private, no-store"
        return response
    response = HttpResponse(content, content_type="application/zip")
    response["Content-Disposition"] = f'attachment; filename="my-data-{export.pk}.zip"'
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
@require_POST
def privacy_erasure(request):
    if request.POST.get("confirm") != "yes":
        messages.error(request, _("Tick the box to confirm you want to be erased."))
        return redirect("portal:privacy")
    account = client_account_ensure(clinic=request.clinic, user=request.user)
    try:
        erasure_request(clinic=request.clinic, client=account, source="portal")
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request, _("Your request is sent. The clinic will tell you when it is done.")
        )
    return redirect("portal:privacy")


@login_required
@require_POST
def privacy_consent(request):
    account = client_account_ensure(clinic=request.clinic, user=request.user)
    given = request.POST.get("given")
    if given not in ("yes", "no"):
        messages.error(request, _("Choose whether you agree."))
        return redirect("portal:privacy")
    try:
        consent_set(
            clinic=request.clinic,
            client=account,
            kind=request.POST.get("kind", ""),
            given=given == "yes",
            source="portal",
        )
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Your choice is saved."))
    return redirect("portal:privacy")
