"""The client's photos page (/photos/): upload a selfie or a pet photo, choose whether
the clinic may show it in its slideshow, remove one. Files are served by ``photo_file``
only to who may see them (``people.photo_selectors.photo_for_viewer``)."""

from django import forms
from django.contrib import messages
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from branding.errors import DomainError
from branding.selectors import clinic_features
from people.pet_selectors import active_pets_for_client
from people.photo_selectors import client_photo, photo_for_viewer, photos_for_client
from people.photo_services import photo_delete, photo_share_set, photo_upload
from people.selectors import client_account_for_user, membership_for_user
from people.services import client_account_ensure
from portal_pages.access import feature_required, rate_limited, signed_in


class PhotoForm(forms.Form):
    # A FileField, not an ImageField: the service checks the content and names the field.
    image = forms.FileField(
        label=gettext_lazy("Photo"),
        widget=forms.ClearableFileInput(attrs={"accept": "image/jpeg,image/png,image/webp"}),
    )
    pet = forms.ChoiceField(label=gettext_lazy("Who is in the photo?"), required=False)
    caption = forms.CharField(label=gettext_lazy("Caption"), max_length=200, required=False)
    shareable = forms.BooleanField(
        label=gettext_lazy("The clinic may show this photo in its app's slideshow"),
        required=False,
    )

    def __init__(self, *args, pets=(), **kwargs):
        super().__init__(*args, **kwargs)
        if pets:
            self.fields["pet"].choices = [("", _("Me (a selfie)"))] + [
                (str(p.pk), p.name) for p in pets
            ]
        else:
            del self.fields["pet"]


@feature_required("selfies")
@signed_in
@rate_limited("upload")
def photos_page(request):
    clinic = request.clinic
    client = client_account_for_user(clinic, request.user)
    pets = active_pets_for_client(clinic, client) if clinic_features(clinic)["pets"] else []
    form = PhotoForm(request.POST or None, request.FILES or None, pets=pets)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            owner = client or client_account_ensure(clinic=clinic, user=request.user)
            photo_upload(
                clinic=clinic,
                client=owner,
                image=data["image"],
                pet_id=data.get("pet") or None,
                caption=data["caption"],
                shareable=data["shareable"],
            )
        except DomainError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, exc.message)
        else:
            messages.success(request, _("Your photo was uploaded."))
            return redirect("portal:photos")
    return render(
        request,
        "portal_pages/photos/list.html",
        {"form": form, "photos": list(photos_for_client(clinic, client))},
    )


def _own_photo(request, photo_id):
    clinic = request.clinic
    photo = client_photo(clinic, client_account_for_user(clinic, request.user), photo_id)
    if photo is None:
        raise Http404(_("No such photo."))
    return photo


@feature_required("selfies")
@signed_in
@require_POST
def photo_share(request, photo_id):
    photo = _own_photo(request, photo_id)
    photo_share_set(photo=photo, shareable=request.POST.get("shareable") == "1")
    messages.success(request, _("Your choice was saved."))
    return redirect("portal:photos")


@feature_required("selfies")
@signed_in
@require_POST
def photo_remove(request, photo_id):
    photo_delete(photo=_own_photo(request, photo_id))
    messages.success(request, _("The photo was removed."))
    return redirect("portal:photos")


def photo_file(request, photo_id):
    """The image itself: for its owner, the clinic's staff, or anyone when it is in the
    clinic's slideshow; with ``selfies`` off, pets' photos only (``photo_for_viewer``).
    Never cached by shared caches."""
    clinic = request.clinic
    client = client_account_for_user(clinic, request.user)
    is_staff = membership_for_user(clinic, request.user) is not None
    photo = photo_for_viewer(clinic, photo_id, client=client, is_staff=is_staff)
    if photo is None:
        raise Http404(_("No such photo."))
    response = FileResponse(photo.image.open("rb"), content_type=photo.content_type)
    response["Cache-Control"] = "private, max-age=3600"
    response["X-Content-Type-Options"] = "nosniff"
    return response
