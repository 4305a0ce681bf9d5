"""Writes about photos: a client uploads one (checked and re-encoded by
``people.images``), removes their own, and staff star or heart one."""

from django.db import transaction
from django.utils.translation import gettext as _

from branding.errors import FeatureDisabledError
from branding.selectors import feature_enabled
from people.errors import PeopleErrorCode
from people.images import image_clean
from people.models import Pet, Photo, PhotoKind
from people.services import ClientError


class PhotoError(ClientError):
    pass


def _require_photos(clinic, *, pet=False):
    """Photos need the ``selfies`` feature, except a pet's photo at a clinic with
    ``pets``: the pet form takes one whatever the selfies toggle."""
    if feature_enabled(clinic, "selfies") or (pet and feature_enabled(clinic, "pets")):
        return
    raise FeatureDisabledError(_("This clinic does not take photos."), field="image")


def _own_active_pet(clinic, client, pet_id):
    if not str(pet_id).isdigit():
        return None
    return Pet.objects.active().filter(clinic=clinic, owner=client, pk=pet_id).first()


@transaction.atomic
def photo_upload(
    *, clinic, client, image, kind=PhotoKind.SELFIE, pet_id=None, caption="", shareable=False
) -> Photo:
    """Store a photo the client took. ``pet_id`` (one of the client's own active pets)
    makes it a pet photo. Nothing is stored unless every check passes."""
    _require_photos(clinic, pet=pet_id not in (None, ""))
    if client.clinic_id != clinic.pk:
        raise PhotoError(
            _("That client belongs to another clinic."),
            field="client",
            code=PeopleErrorCode.OTHER_CLINIC,
        )
    if kind not in PhotoKind.values:
        raise PhotoError(
            _("Unknown kind of photo %(kind)r.") % {"kind": kind},
            field="kind",
            code=PeopleErrorCode.UNKNOWN_CHOICE,
        )
    pet = None
    if pet_id not in (None, ""):
        pet = _own_active_pet(clinic, client, pet_id)
        if pet is None:
            raise PhotoError(
                _("Choose one of your own pets."), field="pet", code=PeopleErrorCode.NOT_YOUR_PET
            )
        kind = PhotoKind.PET
    elif kind == PhotoKind.PET:
        raise PhotoError(
            _("Choose which pet is in the photo."), field="pet", code=PeopleErrorCode.REQUIRED
        )
    caption = (caption or "").strip()
    if len(caption) > 200:
        raise PhotoError(
            _("The caption is longer than 200 characters."),
            field="caption",
            code=PeopleErrorCode.TOO_LONG,
        )
    clean = image_clean(image, field="image")
    photo = Photo(
        clinic=clinic,
        client=client,
        pet=pet,
        kind=kind,
        caption=caption,
        shareable=bool(shareable),
        content_type=clean.content_type,
        width=clean.width,
        height=clean.height,
        size=clean.content.size,
    )
    photo.image.save(clean.content.name, clean.content, save=False)
    try:
        photo.save()
        if pet is not None and pet.photo_id is None:
            pet.photo = photo
            pet.save(update_fields=["photo"])
    except Exception:
        # The row was not written: the file must not stay behind either.
        photo.image.storage.delete(photo.image.name)
        raise
    return photo


@transaction.atomic
def pet_photo_set(*, clinic, client, pet, image) -> Photo:
    """The owner gives their pet a new profile photo from the pet form (at a clinic with
    ``pets``, whatever the selfies toggle): checked and stored like any photo, then made
    the pet's photo. Another person's pet, or an inactive one, is refused naming ``pet``;
    nothing is stored unless every check passes."""
    if pet.owner_id != client.pk or pet.clinic_id != clinic.pk or not pet.active:
        raise PhotoError(
            _("Choose one of your own pets."), field="pet", code=PeopleErrorCode.NOT_YOUR_PET
        )
    photo = photo_upload(clinic=clinic, client=client, image=image, pet_id=pet.pk)
    if pet.photo_id != photo.pk:
        Pet.objects.filter(pk=pet.pk).update(photo=photo)
        pet.photo = photo
    return photo


@transaction.atomic
def photo_delete(*, photo) -> None:
    """The owner removes their photo (from the slideshow too)."""
    name, storage = photo.image.name, photo.image.storage
    Pet.objects.filter(photo=photo).update(photo=None)
    photo.delete()
    transaction.on_commit(lambda: storage.delete(name))


@transaction.atomic
def photo_mark(*, photo, starred=None, favourite=None) -> Photo:
    """Staff: ``starred`` puts the photo in the clinic's slideshow (shown only if the
    client agreed to share it); ``favourite`` marks it for push notifications."""
    changed = []
    if starred is not None and photo.starred != bool(starred):
        photo.starred = bool(starred)
        changed.append("starred")
    if favourite is not None and photo.favourite != bool(favourite):
        photo.favourite = bool(favourite)
        changed.append("favourite")
    if changed:
        photo.save(update_fields=changed)
    return photo


@transaction.atomic
def photo_share_set(*, photo, shareable) -> Photo:
    """The client gives or withdraws consent to show the photo in the slideshow."""
    photo.shareable = bool(shareable)
    photo.save(update_fields=["shareable"])
    return photo


@transaction.atomic
def photos_unshare_all(*, clinic, client) -> int:
    """The client withdrew consent to photo use: none of their photos is shown any more."""
    return Photo.objects.filter(clinic=clinic, client=client, shareable=True).update(
        shareable=False
    )
