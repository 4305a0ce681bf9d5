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
