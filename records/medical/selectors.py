from django.db.models import OuterRef, Subquery, Value
from django.db.models.functions import Coalesce
from django.utils.translation import gettext as _

from branding.errors import DomainError
from branding.selectors import feature_enabled
from people.pet_selectors import active_pets_for_client
from records.errors import RecordsErrorCode
from records.models import MedicalHistoryVersion


def _history(clinic, client, pet):
    return MedicalHistoryVersion.objects.filter(clinic=clinic, client=client, pet=pet)


def medical_history_current(clinic, client, pet=None):
    """The newest medical history version here of the client (``pet`` None) or of their
    pet, or None. One query."""
    if client is None:
        return None
    return _history(clinic, client, pet).order_by("-created_at", "-pk").first()


def medical_history_versions(clinic, client, pet=None):
    """Every version of the client's (or their pet's) history, newest first, with who
    made it."""
    return _history(clinic, client, pet).select_related("author").order_by("-created_at", "-pk")


def medical_history_recent(clinic, client, *, pet=None, limit=50):
    """The newest ``limit`` versions, newest first, with who made them (one query): the
    first is the current one."""
    return list(medical_history_versions(clinic, client, pet)[:limit])


def medical_history_pet(clinic, client, pet_id):
    """Whose history is asked for: at a vet practice the client's own active pet
    ``pet_id`` (a missing pet is refused naming ``pet``, anyone else's is not found);
    elsewhere None, the client themself (``pet_id`` ignored)."""
    if not feature_enabled(clinic, "pets"):
        return None
    if pet_id in (None, ""):
        raise DomainError(
            _("Please choose the pet whose medical history this is."),
            field="pet",
            code=RecordsErrorCode.PET_REQUIRED,
        )
    pets = active_pets_for_client(clinic, client)
    pet = next((p for p in pets if str(p.pk) == str(pet_id)), None)
    if pet is None:
        raise DomainError(_("No such pet."), field="pet", code=RecordsErrorCode.PET_UNKNOWN)
    return pet


def medical_history_by_pet(clinic, client, pets, *, limit=50) -> dict[int, list]:
    """pet id → the newest ``limit`` versions of that pet's history, newest first, with
    who made them, for each of these pets (an empty list for one with none). One query."""
    by_pet = {pet.pk: [] for pet in pets}
    if client is None or not by_pet:
        return by_pet
    rows = (
        MedicalHistoryVersion.objects.filter(clinic=clinic, client=client, pet__in=list(by_pet))
        .select_related("author")
        .order_by("-created_at", "-pk")
    )
    for version in rows:
        if len(by_pet[version.pet_id]) < limit:
            by_pet[version.pet_id].append(version)
    return by_pet


def medical_history_current_of_pets(clinic, client) -> list[tuple]:
    """(pet, its newest version) for each of the client's active pets with a medical
    history, by pet name: the Overview's alerts at a vet practice. One query."""
    newest = {}
    rows = (
        MedicalHistoryVersion.objects.filter(
            clinic=clinic, client=client, pet__active=True, pet__merged_into__isnull=True
        )
        .select_related("pet")
        .order_by("-created_at", "-pk")
    )
    for version in rows:
        newest.setdefault(version.pet_id, version)
    return sorted(
        ((v.pet, v) for v in newest.values()), key=lambda pair: (pair[0].name, pair[0].pk)
    )


def allergies_by_booking_subject(clinic, bookings) -> dict[tuple, str]:
    """(client id, pet id or None) → the allergies the newest medical history version of
    that subject lists (only those with any), for these bookings: the desk's allergy
    marker is about who comes in (at a vet, the booking's pet). One query."""
    client_ids = {b.client_id for b in bookings}
    newest = {}
    rows = (
        MedicalHistoryVersion.objects.filter(clinic=clinic, client_id__in=client_ids)
        .order_by("client_id", "pet_id", "-created_at", "-pk")
        .values_list("client_id", "pet_id", "allergies")
    )
    for client_id, pet_id, allergies in rows:
        newest.setdefault((client_id, pet_id), allergies)
    return {key: text.strip() for key, text in newest.items() if text.strip()}


def newest_allergies_expression(clinic):
    """The allergies of the newest medical history version of a booking's subject (its
    client, or at a vet its pet), as a subquery on ``client_id`` and ``pet_id`` (the
    calendar's quick view marker, in its one query)."""
    return Subquery(
        MedicalHistoryVersion.objects.filter(clinic=clinic, client_id=OuterRef("client_id"))
        .annotate(subject=Coalesce("pet_id", Value(0)))
        .filter(subject=Coalesce(OuterRef("pet_id"), Value(0)))
        .order_by("-created_at", "-pk")
        .values("allergies")[:1]
    )
