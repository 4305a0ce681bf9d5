"""Clinic import: one file (YAML or JSON) describes a clinic; importing it creates or
updates that clinic, idempotently, in one transaction.

Each app owns the keys it understands and registers a *section* for them (in its
AppConfig.ready), so branding never imports the apps above it:

- ``schema``: a pydantic type for the section's value (structure, types, local rules),
- ``check(value, doc)``: cross-reference rules over the whole file, yielding
  ``(path, message)``,
- ``apply(value, ctx)``: the writes, through the app's services.

The whole file is validated before anything is written; every problem is reported with
its key path (``clinic.opening_hours.mon[0]: end before start``). A rule that only the
database can check (a booking that collides with one already stored) raises
``ImportFileError`` from ``apply`` and the transaction rolls back: nothing is written.
"""

from branding.importing.registry import ImportSection, register_section, sections
from branding.importing.runner import ImportContext, ImportFileError, import_clinic_file

__all__ = [
    "ImportContext",
    "ImportFileError",
    "ImportSection",
    "import_clinic_file",
    "register_section",
    "sections",
]
