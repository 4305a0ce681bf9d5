"""The parts of a person's data, a registry filled when the app is ready.

``privacy`` sits beside ``reports``, above every app that holds a client's data. Each
such app says what it holds, and how to erase it, in a module ``<app>/privacy_parts.py``
with ``PARTS``, a list of plain dicts (no import of this app is needed)::

    PARTS = [{
        "key": "bookings", "order": 20,   # "erase_order" too, if it must erase later
        "export": export_bookings,   # (clinic, client) -> {"data": ..., "files": [...]}
        "erase": erase_bookings,     # (clinic, client, user) -> {"what": count, ...}
    }]

``export`` returns JSON-ready ``data`` (lists and dicts of strings, numbers, booleans,
None; dates as ISO strings) and ``files``, a list of ``(name, bytes)`` pairs put in the
zip under ``<key>/``. It reads through the app's own selectors, clinic first.

``erase`` removes the person's identity from the app's rows at this clinic: it deletes
what the clinic need not keep (contact details, photos, messages, free text) and leaves
what it must (payments, signed consent forms, clinical notes), which stay on the client
account that the ``profile`` part (people's, run last) detaches from the person. It
runs inside ``privacy.services.erasure_approve``'s transaction; it returns counts for
the request's summary, never names.
"""

import importlib
from collections.abc import Callable
from dataclasses import dataclass

from django.apps import apps as django_apps

MODULE_NAME = "privacy_parts"


def _nothing(*args, **kwargs):
    return {}


@dataclass(frozen=True)
class DataPart:
    key: str
    order: int = 100
    export: Callable = _nothing
    erase: Callable = _nothing
    # When it erases, if not in ``order`` (people's ``profile`` goes last).
    erase_order: int | None = None


_parts: dict[str, DataPart] = {}


def register_part(part: DataPart):
    _parts[part.key] = part


def parts() -> list[DataPart]:
    return sorted(_parts.values(), key=lambda part: (part.order, part.key))


def erase_parts() -> list[DataPart]:
    return sorted(
        _parts.values(),
        key=lambda part: (part.order if part.erase_order is None else part.erase_order, part.key),
    )


def discover_parts():
    """Import ``<app>.privacy_parts`` of every installed app and register its PARTS."""
    for config in django_apps.get_app_configs():
        try:
            module = importlib.import_module(f"{config.name}.{MODULE_NAME}")
        except ModuleNotFoundError as error:
            if error.name != f"{config.name}.{MODULE_NAME}":
                raise
            continue
        for spec in getattr(module, "PARTS", []):
            register_part(DataPart(**spec))
