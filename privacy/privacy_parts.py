"""Privacy's own part of a client's data: the consents given and withdrawn, with the
wording shown (the erasure itself removes them, ``privacy.services.erasure_approve``)."""

from privacy.models import ConsentRecord


def export_consents(*, clinic, client):
    records = ConsentRecord.objects.filter(clinic=clinic, client=client).order_by("created_at")
    return {
        "data": [
            {
                "consent_to": r.kind,
                "given": r.given,
                "wording": r.wording,
                "when": r.created_at.isoformat(),
                "through": r.source,
            }
            for r in records
        ]
    }


PARTS = [{"key": "consents", "order": 80, "export": export_consents}]
