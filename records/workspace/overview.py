"""Records' part of the client account's Overview: alerts for allergies and medical
flags (from the newest medical history version; at a vet practice each active pet's,
named) and for required forms not signed (the forms an upcoming visit's service asks
for), and a card with tags and VIP."""

from django.utils.translation import gettext as _

from booking_api.admin.overview import upcoming_for
from branding.selectors import feature_enabled
from people.account_tabs import ClientOverviewPanel, OverviewAlert, client_tab_url
from records.documents.selectors import forms_missing_for
from records.forms_admin.tabs import medical_versions
from records.medical.selectors import medical_history_current_of_pets


def _tab_url(account, tab):
    return client_tab_url(account.pk, tab)


def _medical_subjects(request, clinic, account):
    """(label, newest version) for each history the alerts read: at a vet practice each
    active pet's (labelled with its name), elsewhere the client's own."""
    if feature_enabled(clinic, "pets"):
        return [(pet.name, v) for pet, v in medical_history_current_of_pets(clinic, account)]
    versions = medical_versions(request, clinic, account)
    return [("", versions[0])] if versions else []


def medical_alerts(request, clinic, account):
    subjects = _medical_subjects(request, clinic, account)
    url = _tab_url(account, "medical")
    alerts = []
    for name, title, level in (
        ("allergies", _("Allergies"), "critical"),
        ("conditions", _("Medical conditions"), "warning"),
        ("medications", _("Current medications"), "warning"),
    ):
        lines = [
            f"{label}: {text}" if label else text
            for label, version in subjects
            if (text := getattr(version, name).strip())
        ]
        if lines:
            alerts.append(
                OverviewAlert(key=name, title=title, detail="\n".join(lines), url=url, level=level)
            )
    return alerts


def form_alerts(request, clinic, account):
    upcoming = upcoming_for(request, clinic, account)
    if not upcoming:
        return []
    missing = forms_missing_for(clinic, account, {b.service_id for b in upcoming})
    if not missing:
        return []
    return [
        OverviewAlert(
            key="forms-unsigned",
            title=_("Required forms not signed"),
            detail=_("Needed before an upcoming visit: %(forms)s.")
            % {"forms": ", ".join(t.title for t in missing)},
            url=_tab_url(account, "forms"),
            level="warning",
        )
    ]


def tags_context(request, clinic, account):
    if not account.tags and not account.vip:
        return None
    return {
        "tags": list(account.tags),
        "vip": account.vip,
        "edit_url": _tab_url(account, "details"),
    }


def overview_panels():
    return [
        ClientOverviewPanel(key="medical", order=20, get_alerts=medical_alerts),
        ClientOverviewPanel(key="forms", order=40, get_alerts=form_alerts),
        ClientOverviewPanel(
            key="tags",
            order=90,
            template_name="records/admin/overview_tags.html",
            get_context=tags_context,
        ),
    ]
