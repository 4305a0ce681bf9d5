"""Reads about pets, clinic first."""

from anyascii import anyascii

from branding.selectors import feature_enabled
from people.models import Pet, Photo


def pet_name_key(name: str) -> str:
    """A pet's name as merges compare it: case, accents and spacing ignored ("Zoë" =
    "ZOE")."""
    return anyascii(" ".join((name or "").split())).casefold()


def _pets(clinic):
    return Pet.objects.filter(clinic=clinic).current().select_related("photo")


def pets_for_client(clinic, client):
    """The client's pets at this clinic (not merged-away profiles): active ones first,
    then the inactive. One query."""
    if client is None:
        return []
    return list(_pets(clinic).filter(owner=client).order_by("-active", "name", "pk"))


def pets_in_app(clinic, client):
    """The pets the owner's portal and app show: the active ones, then the inactive
    only where the clinic keeps a "No longer with us" page (the ``pet_memorial``
    feature). With it off, a pet the owner removed simply disappears from the app."""
    pets = pets_for_client(clinic, client)
    if feature_enabled(clinic, "pet_memorial"):
        return pets
    return [pet for pet in pets if pet.active]


def pet_in_app(clinic, client, pet_id):
    """One of the owner's pets as their app may show it (``pets_in_app``), or None."""
    pet = client_pet(clinic, client, pet_id)
    if pet is None or (not pet.active and not feature_enabled(clinic, "pet_memorial")):
        return None
    return pet


def active_pets_for_client(clinic, client):
    if client is None:
        return []
    return list(_pets(clinic).filter(owner=client, active=True))


def client_pet(clinic, client, pet_id):
    """The client's own pet by id, or None: another person's pet is never found."""
    if client is None:
        return None
    return _pets(clinic).filter(owner=client, pk=pet_id).first()


def clinic_pet(clinic, pet_id):
    """One of the clinic's pets by id (for staff), or None."""
    return _pets(clinic).filter(pk=pet_id).select_related("owner__user").first()


def pet_photos(clinic, pet):
    return Photo.objects.filter(clinic=clinic, pet=pet)


def duplicate_pairs(pets):
    """Pairs of profiles that look like one pet (same name, ignoring case and accents, and same
    date of birth), from an already loaded list: (older profile, newer profile)."""
    seen, pairs = {}, []
    for pet in sorted(pets, key=lambda p: p.pk):
        key = (pet_name_key(pet.name), pet.date_of_birth)
        if pet.date_of_birth and key in seen:
            pairs.append((seen[key], pet))
        else:
            seen.setdefault(key, pet)
    return pairs
