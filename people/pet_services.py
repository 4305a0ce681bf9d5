"""Writes about pets: owners and staff add and edit them, staff take one out of the app
(e.g. after a death) and merge duplicate profiles; the practice import upserts by the
practice system's id."""

import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from branding.errors import FeatureDisabledError
from branding.selectors import feature_enabled
from branding.validators import name_is_clean
from people.errors import PeopleErrorCode
from people.models import Pet, Photo, Species
from people.pet_selectors import pet_name_key
from people.services import ClientError

EDITABLE = ("name", "species", "breed", "date_of_birth", "notes")


class PetError(ClientError):
    pass


def _require_pets(clinic):
    if not feature_enabled(clinic, "pets"):
        raise FeatureDisabledError(_("This clinic does not keep pet profiles."), field="pets")


def _clean(fields):
    """Checked values for the editable fields present in ``fields``."""
    clean = {}
    if "name" in fields:
        name = (fields["name"] or "").strip()
        if not name:
            raise PetError(_("Give the pet's name."), field="name", code=PeopleErrorCode.REQUIRED)
        if len(name) > 80:
            raise PetError(
                _("The name is longer than 80 characters."),
                field="name",
                code=PeopleErrorCode.TOO_LONG,
            )
        if not name_is_clean(name):
            raise PetError(
                _("The pet's name cannot contain “<”, “>” or control characters."),
                field="name",
                code=PeopleErrorCode.NAME_INVALID,
            )
        clean["name"] = name
    if "species" in fields:
        if fields["species"] not in Species.values:
            raise PetError(
                _("Unknown species %(species)r.") % {"species": fields["species"]},
                field="species",
                code=PeopleErrorCode.UNKNOWN_CHOICE,
            )
        clean["species"] = fields["species"]
    if "breed" in fields:
        breed = (fields["breed"] or "").strip()
        if len(breed) > 80:
            raise PetError(
                _("The breed is longer than 80 characters."),
                field="breed",
                code=PeopleErrorCode.TOO_LONG,
            )
        clean["breed"] = breed
    if "date_of_birth" in fields:
        born = fields["date_of_birth"]
        if born and born > timezone.localdate():
            raise PetError(
                _("The date of birth is in the future."),
                field="date_of_birth",
                code=PeopleErrorCode.DATE_INVALID,
            )
        if born and born < datetime.date(1950, 1, 1):
            raise PetError(
                _("The date of birth is too far in the past."),
                field="date_of_birth",
                code=PeopleErrorCode.DATE_INVALID,
            )
        clean["date_of_birth"] = born or None
    if "notes" in fields:
        clean["notes"] = (fields["notes"] or "").strip()[:2000]
    return clean


def _check_photo(pet, photo):
    if photo is not None and (photo.clinic_id != pet.clinic_id or photo.client_id != pet.owner_id):
        raise PetError(
            _("That photo is not one of the owner's photos."),
            field="photo",
            code=PeopleErrorCode.NOT_YOUR_PET,
        )


@transaction.atomic
def pet_create(
    *, clinic, owner, name, species, breed="", date_of_birth=None, notes="", external_id=""
) -> Pet:
    _require_pets(clinic)
    if owner.clinic_id != clinic.pk:
        raise PetError(
            _("That client belongs to another clinic."),
            field="owner",
            code=PeopleErrorCode.OTHER_CLINIC,
        )
    values = _clean(
        {
            "name": name,
            "species": species,
            "breed": breed,
            "date_of_birth": date_of_birth,
            "notes": notes,
        }
    )
    external_id = (external_id or "").strip()
    if external_id and Pet.objects.filter(clinic=clinic, external_id=external_id).exists():
        raise PetError(
            _("Another pet already has the id %(id)r.") % {"id": external_id},
            field="external_id",
            code=PeopleErrorCode.DUPLICATE_ID,
        )
    return Pet.objects.create(clinic=clinic, owner=owner, external_id=external_id, **values)


@transaction.atomic
def pet_update(*, pet, photo=..., **fields) -> Pet:
    """Change any of name, species, breed, date_of_birth, notes (and the photo)."""
    _require_pets(pet.clinic)
    unknown = set(fields) - set(EDITABLE)
    if unknown:
        raise PetError(
            _("%(field)s cannot be changed here.") % {"field": sorted(unknown)[0]},
            field=sorted(unknown)[0],
            code=PeopleErrorCode.FIELD_NOT_EDITABLE,
        )
    for attr, value in _clean(fields).items():
        setattr(pet, attr, value)
    if photo is not ...:
        _check_photo(pet, photo)
        pet.photo = photo
    pet.save()
    return pet


@transaction.atomic
def pet_deactivate(*, pet) -> Pet:
    """Take the pet out of the app at once; its history stays."""
    if pet.active:
        pet.active = False
        pet.deactivated_at = timezone.now()
        pet.save(update_fields=["active", "deactivated_at"])
    return pet


@transaction.atomic
def pet_reactivate(*, pet) -> Pet:
    if pet.merged_into_id:
        raise PetError(
            _("This profile was merged into another."), field="pet", code=PeopleErrorCode.PET_MERGED
        )
    if not pet.active:
        pet.active = True
        pet.deactivated_at = None
        pet.save(update_fields=["active", "deactivated_at"])
    return pet


def _merged_notes(kept: str, other: str) -> str:
    """Both profiles' owner's notes, the kept profile's first; the same words are not
    repeated. The merged profile is shown nowhere afterwards, so nothing may stay there."""
    kept, other = (kept or "").strip(), (other or "").strip()
    if not other or other.casefold() in kept.casefold():
        return kept
    if not kept or kept.casefold() in other.casefold():
        return other
    return f"{kept}\n\n{other}"


@transaction.atomic
def pet_merge(*, keep, duplicate) -> Pet:
    """Fold ``duplicate`` into ``keep``: two profiles of one pet (same owner, same name
    ignoring case and accents, same date of birth). Bookings and photos move to ``keep``; the
    owner's notes of both are kept (``keep``'s first); what ``keep`` lacks (breed,
    photo, practice id) is taken from the duplicate, which
    stays for the record, inactive and marked ``merged_into``. Used by staff and by the
    practice sync."""
    keep, duplicate = (
        Pet.objects.select_for_update().get(pk=keep.pk),
        Pet.objects.select_for_update().get(pk=duplicate.pk),
    )
    if keep.pk == duplicate.pk:
        raise PetError(
            _("Choose two different profiles to merge."),
            field="duplicate",
            code=PeopleErrorCode.MERGE_REFUSED,
        )
    if keep.clinic_id != duplicate.clinic_id or keep.owner_id != duplicate.owner_id:
        raise PetError(
            _("Only profiles of the same owner can be merged."),
            field="duplicate",
            code=PeopleErrorCode.MERGE_REFUSED,
        )
    if keep.merged_into_id or duplicate.merged_into_id:
        raise PetError(
            _("One of these profiles was already merged."),
            field="duplicate",
            code=PeopleErrorCode.MERGE_REFUSED,
        )
    if pet_name_key(keep.name) != pet_name_key(duplicate.name):
        raise PetError(
            _("The two profiles have different names."),
            field="duplicate",
            code=PeopleErrorCode.MERGE_REFUSED,
        )
    if keep.date_of_birth != duplicate.date_of_birth or keep.date_of_birth is None:
        raise PetError(
            _("The two profiles need the same date of birth to be merged."),
            field="duplicate",
            code=PeopleErrorCode.MERGE_REFUSED,
        )
    duplicate.bookings.update(pet=keep)
    Photo.objects.filter(pet=duplicate).update(pet=keep)
    for attr in ("breed", "photo_id"):
        if not getattr(keep, attr) and getattr(duplicate, attr):
            setattr(keep, attr, getattr(duplicate, attr))
    keep.notes = _merged_notes(keep.notes, duplicate.notes)
    external_id = keep.external_id or duplicate.external_id
    keep.active = keep.active or duplicate.active
    keep.deactivated_at = None if keep.active else keep.deactivated_at
    duplicate.external_id = ""  # frees the unique practice id for the kept profile
    duplicate.active = False
    duplicate.deactivated_at = duplicate.deactivated_at or timezone.now()
    duplicate.merged_into = keep
    duplicate.photo = None
    duplicate.save()
    keep.external_id = external_id
    keep.save()
    return keep


@transaction.atomic
def pet_import(
    *,
    clinic,
    owner,
    external_id,
    name,
    species,
    breed="",
    date_of_birth=None,
    notes="",
    active=True,
) -> Pet:
    """Create or update the pet the practice system knows as ``external_id``."""
    pet = Pet.objects.filter(clinic=clinic, external_id=external_id).first()
    if pet is None:
        pet = pet_create(
            clinic=clinic,
            owner=owner,
            name=name,
            species=species,
            breed=breed,
            date_of_birth=date_of_birth,
            notes=notes,
            external_id=external_id,
        )
    else:
        if pet.owner_id != owner.pk:
            raise PetError(
                _("The pet %(id)r belongs to another client.") % {"id": external_id},
                field="owner",
                code=PeopleErrorCode.NOT_YOUR_PET,
            )
        values = _clean(
            {
                "name": name,
                "species": species,
                "breed": breed,
                "date_of_birth": date_of_birth,
                "notes": notes or pet.notes,
            }
        )
        if any(getattr(pet, k) != v for k, v in values.items()):
            for attr, value in values.items():
                setattr(pet, attr, value)
            pet.save()
    if not active and pet.active:
        pet_deactivate(pet=pet)
    return pet


PET_SNAPSHOT = ("name", "breed", "photo_id", "notes", "external_id", "active", "deactivated_at")


def pet_snapshot(pet) -> dict:
    """What ``pet_merge`` may change on a profile, to put back with ``pet_unmerge``."""
    values = {attr: getattr(pet, attr) for attr in PET_SNAPSHOT}
    if values["deactivated_at"] is not None:
        values["deactivated_at"] = values["deactivated_at"].isoformat()
    return values


@transaction.atomic
def pet_unmerge(*, keep, duplicate, bookings, photos, keep_values, duplicate_values) -> Pet:
    """Undo ``pet_merge``: both profiles as they were (``pet_snapshot`` before it), and
    the bookings and photos that moved (ids) back on the duplicate. Whatever was added
    to the kept profile since stays there."""
    keep = Pet.objects.select_for_update().get(pk=keep.pk)
    duplicate = Pet.objects.select_for_update().get(pk=duplicate.pk)
    if duplicate.merged_into_id != keep.pk:
        raise PetError(
            _("These profiles are not merged."), field="pet", code=PeopleErrorCode.MERGE_REFUSED
        )
    keep.bookings.filter(pk__in=bookings).update(pet=duplicate)
    Photo.objects.filter(pk__in=photos, pet=keep).update(pet=duplicate)
    for pet, values in ((keep, keep_values), (duplicate, duplicate_values)):
        for attr in PET_SNAPSHOT:
            if attr in values:
                value = values[attr]
                if attr == "deactivated_at" and value:
                    value = datetime.datetime.fromisoformat(value)
                setattr(pet, attr, value)
    duplicate.merged_into = None
    # The practice id goes back first to whichever profile had it, freeing it.
    holder, other = (keep, duplicate) if keep.external_id else (duplicate, keep)
    other.save()
    holder.save()
    return keep
