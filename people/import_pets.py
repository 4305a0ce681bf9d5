"""The ``pets`` key of the clinic import file: pets from the practice's own system,
each under its practice id (``external_id``) and owned by a client of the same file
(``owner``: the client's key). Importing again updates them; nothing is duplicated.

    pets:
      - {external_id: "PMS-1001", owner: emily-carter, name: Biscuit, species: dog,
         breed: Beagle, date_of_birth: 2019-04-12, notes: "Loves cheese."}
"""

import datetime
from typing import Literal

from branding.errors import DomainError
from branding.importing import ImportContext, ImportFileError, ImportSection, register_section
from branding.importing.types import Key, Name, Strict
from people.models import Species
from people.pet_services import pet_import


class PetIn(Strict):
    external_id: str
    owner: Key
    name: Name
    species: Literal[tuple(Species.values)]  # type: ignore[valid-type]
    breed: str = ""
    date_of_birth: datetime.date | None = None
    notes: str = ""
    active: bool = True


def check_pets(value: list[PetIn], doc):
    clients = {c.key for c in (doc.get("clients") or [])}
    seen = {}
    for i, pet in enumerate(value):
        if not pet.external_id:
            yield (f"pets[{i}].external_id", "the practice system's id is required")
        elif pet.external_id in seen:
            yield (
                f"pets[{i}].external_id",
                f"{pet.external_id!r} is already used by pets[{seen[pet.external_id]}]",
            )
        seen.setdefault(pet.external_id, i)
        if pet.owner not in clients:
            yield (f"pets[{i}].owner", f"no client with key {pet.owner!r} in this file")


def apply_pets(value: list[PetIn], ctx: ImportContext):
    owners = ctx.refs.get("client", {})
    for i, pet in enumerate(value):
        try:
            pet_import(
                clinic=ctx.clinic,
                owner=owners[pet.owner],
                external_id=pet.external_id,
                name=pet.name,
                species=pet.species,
                breed=pet.breed,
                date_of_birth=pet.date_of_birth,
                notes=pet.notes,
                active=pet.active,
            )
        except DomainError as exc:
            raise ImportFileError([(f"pets[{i}].{exc.field or 'name'}", exc.message)]) from exc
        ctx.count("pets")


def register():
    register_section(
        ImportSection(key="pets", schema=list[PetIn], apply=apply_pets, check=check_pets, order=35)
    )
