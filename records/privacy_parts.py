"""The record's part of a client's data for ``privacy`` (``privacy/registry.py``): signed
forms with their PDFs, medical history, messages, feedback and the files staff keep on
the account (documents and clinical photos, each file in the zip). Erasing keeps the
signed forms, the medical history and the documents (the clinic must keep them; they
stay on the detached account) and deletes messages, the free text of feedback and the
clinical photos (pictures of the person)."""

from django.db import transaction

from records.files.selectors import files_for_client
from records.models import (
    ClientFile,
    Feedback,
    FileKind,
    MedicalHistoryVersion,
    Message,
    MessageThread,
    SignedForm,
)


def export_forms(*, clinic, client):
    forms = SignedForm.objects.filter(clinic=clinic, client=client).order_by("signed_at", "pk")
    data, files = [], []
    for form in forms:
        name = f"{form.pk}.pdf"
        files.append((name, bytes(form.pdf)))
        data.append(
            {
                "title": form.title,
                "signed": form.signed_at.isoformat(),
                "expires": form.expires_at.isoformat() if form.expires_at else None,
                "typed_name": form.typed_name,
                "questions": form.questions,
                "answers": form.answers,
                "pdf": name,
            }
        )
    return {"data": data, "files": files}


def export_medical_history(*, clinic, client):
    versions = (
        MedicalHistoryVersion.objects.filter(clinic=clinic, client=client)
        .select_related("pet")
        .order_by("created_at", "pk")
    )
    # Whose history each version is: the pet's name at a vet practice, else null (theirs).
    return {
        "data": [
            {
                **version.as_dict(),
                "pet": version.pet.name if version.pet else None,
                "when": version.created_at.isoformat(),
            }
            for version in versions
        ]
    }


def export_messages(*, clinic, client):
    threads = (
        MessageThread.objects.filter(clinic=clinic, client=client)
        .prefetch_related("messages")
        .order_by("created_at", "pk")
    )
    data, files = [], []
    for thread in threads:
        messages = []
        for m in thread.messages.all():
            entry = {"from": m.sender, "body": m.body, "sent": m.created_at.isoformat()}
            if m.attachment:
                name = f"{m.pk}-{m.attachment_name or 'file'}"
                with m.attachment.open("rb") as handle:
                    files.append((name, handle.read()))
                entry["attachment"] = name
            messages.append(entry)
        data.append({"subject": thread.subject, "kind": thread.kind, "messages": messages})
    return {"data": data, "files": files}


def export_feedback(*, clinic, client):
    rows = Feedback.objects.filter(clinic=clinic, client=client).order_by("created_at", "pk")
    return {
        "data": [
            {"rating": f.rating, "comment": f.comment, "received": f.created_at.isoformat()}
            for f in rows
        ]
    }


def export_files(*, clinic, client):
    data, files = [], []
    for item in files_for_client(clinic, client).order_by("created_at", "pk"):
        name = f"{item.pk}-{item.name}"
        with item.file.open("rb") as handle:
            files.append((name, handle.read()))
        data.append(
            {
                "kind": item.kind,
                "description": item.title,
                "stage": item.stage,
                "area": item.area,
                "consent": item.consent,
                "uploaded": item.created_at.isoformat(),
                "file": name,
            }
        )
    return {"data": data, "files": files}


def erase_files(*, clinic, client, user):
    photos = ClientFile.objects.filter(clinic=clinic, client=client, kind=FileKind.PHOTO)
    for item in photos:
        storage = item.file.storage
        for name in (item.file.name, item.thumbnail.name):
            if name:
                transaction.on_commit(lambda name=name, storage=storage: storage.delete(name))
    count, _ = photos.delete()
    # The documents stay, but their names and descriptions may name the person.
    documents = 0
    for item in ClientFile.objects.filter(clinic=clinic, client=client):
        extension = item.name.rsplit(".", 1)[-1] if "." in item.name else "pdf"
        item.name, item.title = f"document-{item.pk}.{extension}", ""
        item.save(update_fields=["name", "title"])
        documents += 1
    return {"clinical_photos": count, "documents_kept": documents}


def erase_messages(*, clinic, client, user):
    threads = MessageThread.objects.filter(clinic=clinic, client=client)
    for message in Message.objects.filter(thread__in=threads).exclude(attachment=""):
        name, storage = message.attachment.name, message.attachment.storage
        transaction.on_commit(lambda name=name, storage=storage: storage.delete(name))
    count = threads.count()
    threads.delete()
    return {"threads": count}


def erase_feedback(*, clinic, client, user):
    return {"comments": Feedback.objects.filter(clinic=clinic, client=client).update(comment="")}


PARTS = [
    {"key": "forms", "order": 40, "export": export_forms},
    {"key": "medical_history", "order": 41, "export": export_medical_history},
    {"key": "messages", "order": 42, "export": export_messages, "erase": erase_messages},
    {"key": "feedback", "order": 43, "export": export_feedback, "erase": erase_feedback},
    {"key": "files", "order": 44, "export": export_files, "erase": erase_files},
]
