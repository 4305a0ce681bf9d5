from django.db.models import OuterRef, Subquery

from records.models import MedicalHistoryVersion


def medical_history_current(clinic, client):
    """The client's newest medical history version here, or None. One query."""
    if client is None:
        return None
    return (
        MedicalHistoryVersion.objects.filter(clinic=clinic, client=client)
        .order_by("-created_at", "-pk")
        .first()
    )


def medical_history_versions(clinic, client):
    """Every version, newest first, with who made it."""
    return (
        MedicalHistoryVersion.objects.filter(clinic=clinic, client=client)
        .select_related("author")
        .order_by("-created_at", "-pk")
    )


def medical_history_recent(clinic, client, *, limit=50):
    """The newest ``limit`` versions, newest first, with who made them (one query): the
    first is the current one."""
    return list(medical_history_versions(clinic, client)[:limit])


def allergies_by_client(clinic, client_ids) -> dict[int, str]:
    """client id → the allergies their newest medical history version lists (only those
    with any), for these ids: the desk's allergy marker. One query."""
    newest = {}
    rows = (
        MedicalHistoryVersion.objects.filter(clinic=clinic, client_id__in=list(client_ids))
        .order_by("client_id", "-created_at", "-pk")
        .values_list("client_id", "allergies")
    )
    for client_id, allergies in rows:
        newest.setdefault(client_id, allergies)
    return {client_id: text.strip() for client_id, text in newest.items() if text.strip()}


def newest_allergies_expression(clinic):
    """The allergies of a row's client's newest medical history version, as a subquery
    on ``client_id`` (the calendar's quick view marker, in its one query)."""
    return Subquery(
        MedicalHistoryVersion.objects.filter(clinic=clinic, client_id=OuterRef("client_id"))
        .order_by("-created_at", "-pk")
        .values("allergies")[:1]
    )
