"""The "Photos" tab of the client account view (clinics with the ``selfies`` feature):
the client's uploads; star one for the clinic's slideshow, heart one as a favourite.
Files are served by ``photo_file`` to the admin clinic's staff only."""

from django.http import FileResponse, Http404
from django.urls import path
from django.utils.translation import gettext as _
from django.views import View

from branding.selectors import feature_enabled
from people.account_tabs import ClientAccountTab
from people.models import AuditAction
from people.photo_selectors import clinic_photo, photos_for_client
from people.photo_services import photo_mark
from records.admin_tabs.base import ClientActionView, ClientRecordMixin

TAB = "photos"
TAB_LIMIT = 60


class ClientPhotoMixin(ClientRecordMixin):
    def get_photo(self):
        photo = clinic_photo(self.clinic, self.kwargs["photo_id"])
        if photo is None or photo.client_id != self.account.pk:
            raise Http404(_("No such photo."))
        return photo


class PhotoMarkView(ClientPhotoMixin, ClientActionView):
    """POST ``starred`` and/or ``favourite`` as "1" or "0"."""

    tab = TAB

    def act(self):
        photo = self.get_photo()
        values = {}
        for name in ("starred", "favourite"):
            if name in self.request.POST:
                values[name] = self.request.POST[name] == "1"
        before = {name: getattr(photo, name) for name in values}
        photo_mark(photo=photo, **values)
        self.audit(
            AuditAction.CHANGE,
            f"Marked photo #{photo.pk}",
            {name: [before[name], getattr(photo, name)] for name in values},
        )
        if values.get("starred") and not photo.shareable:
            return _("Starred. It will show in the slideshow only if the client allows sharing.")
        return _("The photo was updated.")


class PhotoFileView(ClientPhotoMixin, View):
    def get(self, request, *args, **kwargs):
        photo = self.get_photo()
        self.audit(AuditAction.VIEW, f"Viewed photo #{photo.pk} of {self.account.name}")
        response = FileResponse(photo.image.open("rb"), content_type=photo.content_type)
        response["Cache-Control"] = "private, max-age=3600"
        response["X-Content-Type-Options"] = "nosniff"
        return response


def photos_tab_context(request, clinic, account):
    return {"photos": list(photos_for_client(clinic, account)[:TAB_LIMIT]), "client_pk": account.pk}


def photos_tab():
    return ClientAccountTab(
        key=TAB,
        label=_("Photos"),
        group="records",
        order=65,
        template_name="records/admin/tabs/photos.html",
        get_context=photos_tab_context,
        is_shown=lambda request, clinic, account: feature_enabled(clinic, "selfies"),
    )


urlpatterns = [
    path("photos/<id:photo_id>/mark/", PhotoMarkView.as_view(), name="photo_mark"),
    path("photos/<id:photo_id>/image", PhotoFileView.as_view(), name="photo_file"),
]
