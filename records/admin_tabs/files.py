"""The "Files" tab of the client account view: documents and clinical photos staff
upload (before/after, with the consent recorded), shown as a gallery with a lightbox and
side-by-side comparison; and, at clinics with ``selfies``, the photos the client shared
(``photos.py``'s star and heart actions). Files are served by ``ClientFileView`` to the
admin clinic's front desk only, under ids that lead nowhere at another clinic (404)."""

from django.http import FileResponse, Http404
from django.urls import path
from django.utils.translation import gettext as _
from django.views import View
from wagtail.admin import messages

from branding.errors import DomainError
from branding.selectors import feature_enabled
from people.account_tabs import ClientAccountTab
from people.admin_toolkit.workspace import FRONT_DESK, request_admin_role
from people.models import AuditAction
from people.photo_selectors import photos_for_client
from records.admin_tabs.base import ClientActionView, ClientRecordMixin
from records.admin_tabs.photos import TAB_LIMIT
from records.files.selectors import bookings_to_attach, client_file, files_by_kind
from records.files.services import client_file_delete, client_file_upload
from records.models import FileKind, PhotoStage

TAB = "files"

FIELD_LABELS = {
    "file": lambda: _("File"),
    "kind": lambda: _("Kind"),
    "title": lambda: _("Description"),
    "stage": lambda: _("Before or after"),
    "area": lambda: _("Treatment area"),
    "booking": lambda: _("Booking"),
    "consent_on_paper": lambda: _("Consent"),
}


class ClientFileMixin(ClientRecordMixin):
    def get_file(self):
        item = client_file(self.clinic, self.account, self.kwargs["file_id"])
        if item is None:
            raise Http404(_("No such file."))
        return item


class FileUploadView(ClientActionView):
    """POST multipart: ``file``, ``kind`` (document/photo), ``title``; for a photo
    ``stage``, ``area``, ``booking`` and ``consent_on_paper``."""

    tab = TAB

    def post(self, request, *args, **kwargs):
        self.account  # noqa: B018 -- 404 first for another clinic's client
        data = request.POST
        try:
            item = client_file_upload(
                clinic=self.clinic,
                client=self.account,
                actor=request.user,
                upload=request.FILES.get("file"),
                kind=data.get("kind", FileKind.DOCUMENT),
                title=data.get("title", ""),
                stage=data.get("stage", ""),
                area=data.get("area", ""),
                booking_id=data.get("booking") or None,
                consent_on_paper=data.get("consent_on_paper") == "1",
                request=request,
            )
        except DomainError as exc:
            label = FIELD_LABELS.get(exc.field)
            text = f"{label()}: {exc.message}" if label else exc.message
            messages.error(request, text)
        else:
            messages.success(
                request, _("%(name)s was uploaded.") % {"name": item.title or item.name}
            )
        return self.back_to_tab(self.tab)


class FileDeleteView(ClientFileMixin, ClientActionView):
    tab = TAB

    def act(self):
        item = self.get_file()
        name = item.title or item.name
        client_file_delete(
            clinic=self.clinic, item=item, actor=self.request.user, request=self.request
        )
        return _("%(name)s was removed.") % {"name": name}


class ClientFileView(ClientFileMixin, View):
    """The file itself (``?size=thumb`` for a picture's thumbnail): pictures shown
    inline, documents as a download; never cached by shared caches."""

    def get(self, request, *args, **kwargs):
        item = self.get_file()
        thumb = request.GET.get("size") == "thumb" and bool(item.thumbnail)
        if not thumb:
            self.audit(AuditAction.VIEW, f"Viewed file #{item.pk} of {self.account.name}")
        stored = item.thumbnail if thumb else item.file
        response = FileResponse(
            stored.open("rb"),
            content_type=item.content_type,
            as_attachment=not item.is_image,
            filename=item.name,
        )
        response["Cache-Control"] = "private, max-age=3600"
        response["X-Content-Type-Options"] = "nosniff"
        return response


def files_tab_context(request, clinic, account):
    context = files_by_kind(clinic, account)
    context.update(
        client_pk=account.pk,
        bookings=bookings_to_attach(clinic, account),
        stages=PhotoStage.choices,
        kinds=FileKind.choices,
        client_photos=None,
    )
    if feature_enabled(clinic, "selfies"):
        photos = list(photos_for_client(clinic, account)[:TAB_LIMIT])
        context["client_photos"] = photos
        context["client_photos_context"] = {"photos": photos, "client_pk": account.pk}
    return context


def files_tab():
    return ClientAccountTab(
        key=TAB,
        label=_("Files"),
        order=65,
        template_name="records/admin/tabs/files.html",
        get_context=files_tab_context,
        # Its screens are the front desk's (ClientRecordMixin): therapists do not see it.
        is_shown=lambda request, clinic, account: request_admin_role(request) in FRONT_DESK,
    )


urlpatterns = [
    path("files/upload/", FileUploadView.as_view(), name="file_upload"),
    path("files/<id:file_id>/", ClientFileView.as_view(), name="file"),
    path("files/<id:file_id>/delete/", FileDeleteView.as_view(), name="file_delete"),
]
