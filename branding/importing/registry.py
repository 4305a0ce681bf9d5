from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

_SECTIONS: dict[str, "ImportSection"] = {}


@dataclass(frozen=True)
class ImportSection:
    key: str  # the top-level key in the file
    schema: Any  # a pydantic-compatible type for the value
    apply: Callable[[Any, "object"], None]
    order: int = 100  # lower runs first; "clinic" is 0
    check: Callable[[Any, dict], Iterable[tuple[str, str]]] | None = None
    required: bool = False


def register_section(section: ImportSection) -> None:
    _SECTIONS[section.key] = section


def sections() -> list[ImportSection]:
    return sorted(_SECTIONS.values(), key=lambda s: (s.order, s.key))
