"""Patients own their data: the export of everything a clinic holds about a person, the
erasure (anonymisation) a patient asks for and staff approve, and the consents to
marketing and photo use (docs/architecture.md, "Privacy")."""
