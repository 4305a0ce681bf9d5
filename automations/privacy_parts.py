"""Automations' part of a client's data for ``privacy`` (``privacy/registry.py``): the
text messages the person sent the clinic (two-way SMS). Erasing deletes them (they hold
the person's number and words); the nudges sent stay, naming nobody."""

from automations.models import InboundSms


def export_texts(*, clinic, client):
    texts = InboundSms.objects.filter(clinic=clinic, client=client).order_by("pk")
    return {"data": [{"text": t.body, "reply": t.reply} for t in texts]}


def erase_texts(*, clinic, client, user):
    deleted, _ = InboundSms.objects.filter(clinic=clinic, client=client).delete()
    return {"texts": deleted}


PARTS = [{"key": "texts", "order": 70, "export": export_texts, "erase": erase_texts}]
