import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from django.db import transaction
from pydantic import ConfigDict, ValidationError, create_model

from branding.errors import BrandingErrorCode, DomainError
from branding.importing.registry import sections


class ImportFileError(DomainError):
    """The file was refused. ``problems`` lists every (path, message) found. The
    problems are for the operator who runs the import (key paths, pydantic's words), so
    they are not translated."""

    code = BrandingErrorCode.IMPORT_INVALID

    def __init__(self, problems):
        self.problems = list(problems)
        super().__init__("\n".join(f"{path}: {message}" for path, message in self.problems))


@dataclass
class ImportContext:
    """Shared by the sections while one file is applied: what earlier sections made,
    looked up by the keys the file uses."""

    base_dir: Path
    clinic: Any = None
    refs: dict[str, dict[str, Any]] = field(default_factory=dict)
    summary: dict[str, int] = field(default_factory=dict)

    def remember(self, kind, key, obj):
        self.refs.setdefault(kind, {})[key] = obj

    def count(self, label, n=1):
        self.summary[label] = self.summary.get(label, 0) + n


def format_path(loc) -> str:
    """('clinic', 'opening_hours', 'mon', 0) → 'clinic.opening_hours.mon[0]'."""
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += ("." if out else "") + str(part)
    return out or "(file)"


def _clean_message(message):
    for prefix in ("Value error, ", "Assertion failed, "):
        if message.startswith(prefix):
            return message[len(prefix) :]
    return message


def _message_for(err):
    if err["type"] == "extra_forbidden":
        return "unknown key"
    if err["type"] == "missing":
        return "required key is missing"
    return _clean_message(err["msg"])


def load_document(path: Path) -> dict:
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise ImportFileError([("(file)", f"cannot read {path}: {exc.strerror}")]) from exc
    except UnicodeDecodeError as exc:
        raise ImportFileError([("(file)", f"{path} is not a UTF-8 text file")]) from exc
    try:
        doc = json.loads(text) if path.suffix.lower() == ".json" else yaml.safe_load(text)
    except (json.JSONDecodeError, yaml.YAMLError) as exc:
        raise ImportFileError([("(file)", f"not valid {path.suffix.lstrip('.')}: {exc}")]) from exc
    if not isinstance(doc, dict):
        raise ImportFileError([("(file)", "the top level must be a mapping with a 'clinic' key")])
    return doc


def validate_document(doc: dict) -> dict:
    """Parse every section; report every problem with its key path at once."""
    registered = sections()
    fields = {s.key: (s.schema, ...) if s.required else (s.schema | None, None) for s in registered}
    model = create_model("ClinicFile", __config__=ConfigDict(extra="forbid"), **fields)
    try:
        parsed = model.model_validate(doc)
    except ValidationError as exc:
        problems = [
            (format_path(err["loc"]), _message_for(err)) for err in exc.errors(include_url=False)
        ]
        raise ImportFileError(problems) from exc
    values = {s.key: getattr(parsed, s.key) for s in registered}
    problems = []
    for section in registered:
        if section.check and values[section.key] is not None:
            problems.extend(section.check(values[section.key], values))
    if problems:
        raise ImportFileError(problems)
    return values


def import_clinic_file(path, *, base_dir=None) -> ImportContext:
    """Validate the whole file, then apply it in one transaction."""
    path = Path(path)
    values = validate_document(load_document(path))
    ctx = ImportContext(base_dir=Path(base_dir) if base_dir else path.parent)
    with transaction.atomic():
        for section in sections():
            if values[section.key] is not None:
                try:
                    section.apply(values[section.key], ctx)
                except ImportFileError:
                    raise
                except DomainError as exc:
                    # A service's rule (e.g. a name too long for its column): name the
                    # section, and the field when the service gave one.
                    where = f"{section.key}.{exc.field}" if exc.field else section.key
                    raise ImportFileError([(where, exc.message)]) from exc
    return ctx
