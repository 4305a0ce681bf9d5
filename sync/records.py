"""The records every connector hands the sync, whatever the practice system: checked
here, so a wrong type or a missing field is a ``RecordError`` naming the field."""

import datetime
from typing import Annotated, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, ValidationError, field_validator

from sync.connectors.base import RecordError


def _id(value):
    if isinstance(value, bool) or value is None:
        raise ValueError("an id is required")
    if isinstance(value, int):
        return str(value)
    if isinstance(value, str) and value.strip():
        return value.strip()
    raise ValueError("an id is a string or a whole number")


def _optional_id(value):
    if value in (None, "", 0, "0"):
        return None
    return _id(value)


Id = Annotated[str, BeforeValidator(_id)]
OptionalId = Annotated[str | None, BeforeValidator(_optional_id)]

SPECIES = {
    "dog": "dog",
    "canine": "dog",
    "cat": "cat",
    "feline": "cat",
    "rabbit": "rabbit",
    "lagomorph": "rabbit",
    "bird": "bird",
    "avian": "bird",
    "reptile": "reptile",
    "horse": "horse",
    "equine": "horse",
}


class _Record(BaseModel):
    model_config = ConfigDict(extra="ignore", str_strip_whitespace=True)


class ClientRecord(_Record):
    external_id: Id
    # Required for a client the portal does not know yet (apply.py refuses one without);
    # absent, null or empty for a client the portal sent known by phone only.
    email: str = ""
    first_name: str = ""
    last_name: str = ""
    phone: str = ""

    @field_validator("email", mode="before")
    @classmethod
    def _email(cls, value):
        value = str(value or "").strip()
        if value and "@" not in value:
            raise ValueError("not an email address")
        return value.lower()


class PetRecord(_Record):
    external_id: Id
    owner_id: Id
    name: str
    species: str = "other"
    breed: str = ""
    date_of_birth: datetime.date | None = None
    status: Literal["active", "inactive", "deceased"] = "active"

    @field_validator("species", mode="before")
    @classmethod
    def _species(cls, value):
        return SPECIES.get(str(value or "").strip().lower(), "other")


class AppointmentRecord(_Record):
    external_id: Id
    client_id: OptionalId = None
    pet_id: OptionalId = None
    resource_id: OptionalId = None
    start: datetime.datetime
    end: datetime.datetime
    cancelled: bool = False
    portal_reference: str = ""

    @field_validator("start", "end")
    @classmethod
    def _aware(cls, value):
        if value.tzinfo is None:
            raise ValueError("a time needs its UTC offset")
        return value


def _points(value):
    if isinstance(value, bool) or not isinstance(value, int | str):
        raise ValueError("points are a whole number")
    try:
        points = int(value)
    except ValueError:
        raise ValueError("points are a whole number") from None
    if points == 0:
        raise ValueError("points cannot be zero")
    return points


class LoyaltyRecord(_Record):
    """A loyalty transaction of the practice system: points added (positive) or taken
    (negative) for one client."""

    external_id: Id
    client_id: Id
    points: Annotated[int, BeforeValidator(_points)]
    reason: str = ""
    occurred_at: datetime.datetime | None = None

    @field_validator("occurred_at")
    @classmethod
    def _aware(cls, value):
        if value is not None and value.tzinfo is None:
            raise ValueError("a time needs its UTC offset")
        return value


MODELS = {
    "clients": ClientRecord,
    "pets": PetRecord,
    "appointments": AppointmentRecord,
    "loyalty": LoyaltyRecord,
}


def record_parse(resource, data):
    """The checked record, or ``RecordError`` naming each bad field."""
    if not isinstance(data, dict):
        raise RecordError(f"not a JSON object: {str(data)[:80]}")
    try:
        return MODELS[resource].model_validate(data)
    except ValidationError as exc:
        external_id = data.get("external_id")
        problems = "; ".join(
            f"{'.'.join(str(p) for p in error['loc']) or 'record'}: {error['msg']}"
            for error in exc.errors()
        )
        raise RecordError(
            problems, external_id=str(external_id) if external_id is not None else ""
        ) from None
