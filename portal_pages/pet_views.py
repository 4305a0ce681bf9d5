"""The owner's pets page (/pets/): list their pets, add and edit one, and take one out
of the app after a confirmation. Inactive pets are listed under "No longer with us"
only where the clinic turned ``pet_memorial`` on; otherwise they are gone from the app.
Only at clinics with the ``pets`` feature; another person's pet answers 404."""

from django.contrib import messages
from django.db import transaction
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from booking_api.selectors import pet_upcoming_bookings
from booking_api.services.pet_removal import pet_remove_with_bookings
from booking_api.services.policy import quote_lines
from branding import clinic_time
from branding.errors import DomainError
from branding.selectors import feature_enabled
from people.pet_selectors import client_pet, pets_in_app
from people.pet_services import pet_create, pet_update
from people.photo_selectors import client_photo
from people.photo_services import pet_photo_set
from people.selectors import client_account_for_user
from people.services import client_account_ensure
from portal_pages.access import feature_required, rate_limited, signed_in
from portal_pages.pet_forms import PetForm
from sync.selectors import clinic_last_synced


def _apply_error(form, error):
    field = "photo_file" if error.field == "image" else error.field
    form.add_error(field if field in form.fields else None, error.message)


def _set_photo(request, clinic, owner, pet):
    """The photo chosen on the form, if any: stored and made the pet's photo (whatever
    the selfies toggle). Inside the caller's transaction: a refused photo saves nothing."""
    image = request.FILES.get("photo_file")
    if image is not None:
        pet_photo_set(clinic=clinic, client=owner, pet=pet, image=image)


@feature_required("pets")
@signed_in
def pets_list(request):
    clinic = request.clinic
    client = client_account_for_user(clinic, request.user)
    pets = pets_in_app(clinic, client)
    return render(
        request,
        "portal_pages/pets/list.html",
        {
            "active_pets": [p for p in pets if p.active],
            "inactive_pets": [p for p in pets if not p.active],
            "memorial": feature_enabled(clinic, "pet_memorial"),
            # The practice system is the source of truth: say how fresh this is.
            "last_synced": clinic_last_synced(clinic),
        },
    )


@feature_required("pets")
@signed_in
@rate_limited("upload")
def pet_add(request):
    clinic = request.clinic
    form = PetForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            with transaction.atomic():
                owner = client_account_ensure(clinic=clinic, user=request.user)
                pet = pet_create(clinic=clinic, owner=owner, **form.pet_data())
                _set_photo(request, clinic, owner, pet)
        except DomainError as exc:
            _apply_error(form, exc)
        else:
            messages.success(request, _("%(name)s was added.") % {"name": pet.name})
            return redirect("portal:pets")
    return render(request, "portal_pages/pets/form.html", {"form": form, "pet": None})


@feature_required("pets")
@signed_in
@rate_limited("upload")
def pet_edit(request, pet_id):
    clinic = request.clinic
    client = client_account_for_user(clinic, request.user)
    pet = client_pet(clinic, client, pet_id)
    if pet is None or not pet.active:
        raise Http404(_("No such pet."))
    initial = {f: getattr(pet, f) for f in PetForm.PET_FIELDS}
    form = PetForm(request.POST or None, request.FILES or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        photo = ...
        if request.POST.get("photo"):
            photo = client_photo(clinic, client, request.POST["photo"])
            if photo is None:
                raise Http404(_("No such photo."))
        try:
            with transaction.atomic():
                pet_update(pet=pet, photo=photo, **form.pet_data())
                _set_photo(request, clinic, client, pet)
        except DomainError as exc:
            _apply_error(form, exc)
        else:
            messages.success(request, _("%(name)s was saved.") % {"name": pet.name})
            return redirect("portal:pets")
    return render(
        request,
        "portal_pages/pets/form.html",
        {"form": form, "pet": pet, "pet_photos": list(pet.photos.all()[:12])},
    )


def _on_clinic_clock(clinic, moment):
    with clinic_time.override(clinic):
        return clinic_time.format_datetime(moment)


@feature_required("pets")
@signed_in
def pet_remove(request, pet_id):
    """Asks first (GET), then takes the pet out of the app (POST): its history stays
    with the clinic, and no reminder or offer mentions it again."""
    clinic = request.clinic
    client = client_account_for_user(clinic, request.user)
    pet = client_pet(clinic, client, pet_id)
    if pet is None or not pet.active:
        raise Http404(_("No such pet."))
    memorial = feature_enabled(clinic, "pet_memorial")
    error = ""
    if request.method == "POST":
        try:
            cancelled = pet_remove_with_bookings(
                pet=pet, actor=request.user, cancel=request.POST.getlist("cancel")
            )
        except DomainError as exc:
            error = exc.message
        else:
            if memorial:
                text = _('%(name)s is now under "No longer with us".')
            else:
                text = _("%(name)s was removed from your app.")
            messages.success(request, text % {"name": pet.name})
            if cancelled:
                messages.success(
                    request,
                    ngettext(
                        "%(count)s appointment was cancelled.",
                        "%(count)s appointments were cancelled.",
                        len(cancelled),
                    )
                    % {"count": len(cancelled)},
                )
            return redirect("portal:pets")
    upcoming = [
        {
            "booking": item.booking,
            "when": _on_clinic_clock(clinic, item.booking.start),
            "quote": item.quote,
            "lines": quote_lines(item.quote) if not item.quote.free else [],
        }
        for item in pet_upcoming_bookings(pet)
    ]
    return render(
        request,
        "portal_pages/pets/remove.html",
        {"pet": pet, "memorial": memorial, "upcoming": upcoming, "error": error},
        status=400 if error else 200,
    )
