"""Reads of privacy's records, clinic first."""

from django.utils.translation import gettext as _

from privacy.models import (
    ConsentKind,
    ConsentRecord,
    DataExport,
    ErasureRequest,
    ErasureStatus,
    PrivacySettings,
)


def privacy_settings(clinic) -> PrivacySettings:
    settings, _created = PrivacySettings.objects.get_or_create(clinic=clinic)
    return settings


def latest_export(clinic, client) -> DataExport | None:
    return DataExport.objects.filter(clinic=clinic, client=client).first()


def exports_for(clinic, client, limit=10):
    return list(DataExport.objects.filter(clinic=clinic, client=client)[:limit])


def open_erasure_request(clinic, client) -> ErasureRequest | None:
    return ErasureRequest.objects.filter(
        clinic=clinic, client=client, status=ErasureStatus.REQUESTED
    ).first()


def latest_erasure_request(clinic, client) -> ErasureRequest | None:
    return ErasureRequest.objects.filter(clinic=clinic, client=client).first()


def erasure_requests_for(clinic, client):
    return list(ErasureRequest.objects.filter(clinic=clinic, client=client))


def erasure_requests_waiting(clinic):
    return list(
        ErasureRequest.objects.filter(clinic=clinic, status=ErasureStatus.REQUESTED)
        .select_related("client__user")
        .order_by("requested_at", "pk")
    )


def consent_wording(kind, clinic) -> str:
    """The words a person reads before they give (or keep) a consent, in the active
    language. What was shown is stored with each answer."""
    if kind == ConsentKind.MARKETING:
        return _(
            "I agree that %(clinic)s may send me offers and news by email and text "
            "message. I can withdraw this at any time in my preferences."
        ) % {"clinic": clinic.name}
    return _(
        "I agree that %(clinic)s may show photos I choose to share in the clinic's "
        "slideshow. I can withdraw this at any time; my photos are then no longer shown."
    ) % {"clinic": clinic.name}


def consents_current(clinic, client) -> dict:
    """kind → the newest ConsentRecord (or None when never asked), in one query."""
    current = dict.fromkeys(ConsentKind.values)
    for record in ConsentRecord.objects.filter(clinic=clinic, client=client):
        if current.get(record.kind) is None:
            current[record.kind] = record
    return current


def photo_use_consented(clinic, client) -> bool:
    """Whether the client's newest photo-use consent is given. One query."""
    latest = (
        ConsentRecord.objects.filter(clinic=clinic, client=client, kind=ConsentKind.PHOTO_USE)
        .only("given")
        .first()
    )
    return bool(latest and latest.given)


def consent_history(clinic, client, limit=50):
    return list(ConsentRecord.objects.filter(clinic=clinic, client=client)[:limit])
