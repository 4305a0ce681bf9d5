"""The practice sync's part of a client's erasure for ``privacy`` (``privacy/registry.py``):
the link between the client account and the person's record in the practice system, and
the skipped records that carried it. Without the link, the next sync cannot write the
practice system's name and contact details back onto the detached account; the clinic
erases the person in its practice system itself."""

from sync.models import ClientLink, SyncRecordError


def erase_link(*, clinic, client, user):
    link = ClientLink.objects.filter(clinic=clinic, client=client).first()
    if link is None:
        return {}
    errors, _ = SyncRecordError.objects.filter(
        clinic=clinic, resource="clients", external_id=link.external_id
    ).delete()
    link.delete()
    return {"practice_link": 1, "skipped_records": errors}


PARTS = [{"key": "practice_sync", "order": 90, "erase": erase_link}]
