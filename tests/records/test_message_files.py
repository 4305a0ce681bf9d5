"""Patients start a conversation with a file (portal and API): the file is checked by
content (a picture re-encoded without EXIF, or a PDF, within the size limit), staff see
and download it from the client's Messages tab, and nobody else reaches it. A refused
file leaves nothing behind; an Idempotency-Key replays the first answer."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image
from rest_framework.test import APIClient

from people.models import AuditEntry
from records.models import Message, MessageThread
from tests.factories.clients import ClientAccountFactory, MembershipFactory
from tests.factories.records import image_bytes, upload
from tests.fixtures.clinics import host_client

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


def pdf(name="results.pdf", content=PDF):
    return SimpleUploadedFile(name, content, content_type="application/pdf")


def stored_files(settings):
    root = settings.STORAGES["private"]["OPTIONS"]["location"]
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []


def body_of(response):
    return b"".join(response.streaming_content)


@pytest.fixture
def vet_api(vet, owner):
    api = host_client(vet, APIClient)
    api.force_authenticate(owner.user)
    return api


def staff_file_url(account, message):
    return reverse(
        "client_records:message_attachment",
        kwargs={"client_pk": account.pk, "message_id": message.pk},
    )


def test_a_patient_starts_a_conversation_with_a_photo_and_staff_download_it(
    vet, owner, vet_portal, vet_admin, vet_staff
):
    exif = Image.Exif()
    exif[0x010F] = "SpyCam"  # Make
    exif[0x8825] = {1: "N", 2: (51.0, 30.0, 0.0)}  # GPS
    assert 'href="/messages/new/"' in vet_portal.get("/messages/").content.decode()
    page = vet_portal.get("/messages/new/").content.decode()
    assert 'enctype="multipart/form-data"' in page and 'name="attachment"' in page
    response = vet_portal.post(
        "/messages/new/",
        {
            "subject": "Rex's rash",
            "body": "It looks like this since Monday.",
            "attachment": upload("IMG_0042.jpg", image_bytes("JPEG", exif=exif)),
        },
    )
    assert response.status_code == 302
    thread = MessageThread.objects.get(client=owner)
    assert (thread.subject, thread.kind, thread.started_by) == ("Rex's rash", "chat", owner.user)
    message = thread.messages.get()
    assert (message.sender, message.attachment_name, message.attachment_type) == (
        "client",
        "IMG_0042.jpg",
        "image/jpeg",
    )
    page = vet_portal.get(response["Location"]).content.decode()
    assert f'href="/messages/files/{message.pk}/"' in page
    own = vet_portal.get(f"/messages/files/{message.pk}/")
    assert own.status_code == 200
    assert own["Content-Disposition"].startswith("attachment")
    assert own["X-Content-Type-Options"] == "nosniff"
    stored = body_of(own)
    assert b"SpyCam" not in stored and Image.open(io.BytesIO(stored)).getexif() == {}

    # Staff: the client's Messages tab links it, and the download is audited.
    tab = vet_admin.get(
        reverse("clinic_workspace:client_detail", kwargs={"pk": owner.pk}) + "?tab=messages"
    )
    url = staff_file_url(owner, message)
    assert url in tab.content.decode() and "IMG_0042.jpg" in tab.content.decode()
    staff = vet_admin.get(url)
    assert staff.status_code == 200 and body_of(staff) == stored
    assert AuditEntry.objects.filter(
        client=owner, actor=vet_staff, summary__contains="IMG_0042.jpg"
    ).exists()


def test_nobody_else_reaches_the_file(vet, owner, vet_portal, clinic, other_clinic):
    from records.message_services import client_thread_start

    thread = client_thread_start(
        clinic=vet, client=owner, author=owner.user, subject="Lab", body="Here", attachment=pdf()
    )
    message = thread.messages.get()
    stranger = ClientAccountFactory(clinic=vet)
    other_patient = host_client(vet)
    other_patient.force_login(stranger.user)
    assert other_patient.get(f"/messages/files/{message.pk}/").status_code == 404
    other_api = host_client(vet, APIClient)
    other_api.force_authenticate(stranger.user)
    assert other_api.get(f"/api/v1/messages/files/{message.pk}").status_code == 404
    assert host_client(vet).get(f"/messages/files/{message.pk}/").status_code == 302  # sign in
    # Staff of another clinic, and this clinic's staff through another client's page.
    glow_staff = host_client(clinic)
    glow_staff.force_login(MembershipFactory(clinic=clinic, role="staff").user)
    assert glow_staff.get(staff_file_url(owner, message)).status_code in (403, 404)
    vet_staff = host_client(vet)
    vet_staff.force_login(MembershipFactory(clinic=vet, role="staff").user)
    assert vet_staff.get(staff_file_url(stranger, message)).status_code == 404
    assert vet_staff.get(staff_file_url(owner, message)).status_code == 200


@pytest.mark.parametrize(
    "attachment, error",
    [
        (upload("notes.pdf", b"MZ\x90\x00 not a pdf at all", "application/pdf"), "neither"),
        (upload("photo.jpg", b"just some text, not a picture"), "neither"),
        (upload("broken.png", b"\x89PNG\r\n\x1a\n" + b"\x00" * 20, "image/png"), "image"),
    ],
)
def test_a_refused_file_is_named_and_nothing_is_written(
    vet, owner, vet_portal, settings, attachment, error
):
    before = stored_files(settings)
    response = vet_portal.post(
        "/messages/new/", {"subject": "Hello", "body": "See attached", "attachment": attachment}
    )
    assert response.status_code == 200
    assert error in response.context["form"].errors["attachment"][0]
    assert not MessageThread.objects.exists() and not Message.objects.exists()
    assert stored_files(settings) == before


def test_a_pdf_over_the_limit_is_refused(vet, owner, vet_api, settings):
    settings.MESSAGE_ATTACHMENT_MAX_BYTES = 1024
    response = vet_api.post(
        "/api/v1/messages/threads",
        {"subject": "Big", "body": "Scan", "attachment": pdf(content=PDF + b"0" * 2048)},
        format="multipart",
    )
    assert response.status_code == 400
    assert response.json()["field"] == "attachment" and "limit" in response.json()["detail"]
    assert response.json()["code"] == "file_too_large"
    assert not MessageThread.objects.exists()


def test_the_api_starts_a_conversation_with_a_pdf_once_per_idempotency_key(vet, owner, vet_api):
    def send():
        return vet_api.post(
            "/api/v1/messages/threads",
            {"subject": "Lab results", "body": "From the other vet", "attachment": pdf()},
            format="multipart",
            HTTP_IDEMPOTENCY_KEY="new-thread-1",
        )

    response = send()
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["subject"] == "Lab results" and body["accepts_replies"] is True
    attachment = body["messages"][0]["attachment"]
    assert attachment["name"] == "results.pdf"
    assert attachment["content_type"] == "application/pdf"
    again = send()
    assert again.status_code == 201 and again["Idempotent-Replayed"] == "true"
    assert MessageThread.objects.count() == 1 and Message.objects.count() == 1
    download = vet_api.get(attachment["url"])
    assert download.status_code == 200 and body_of(download) == PDF
    assert download["Content-Type"] == "application/pdf"

    # Without a file, as JSON; and a reply may carry a file too.
    plain = vet_api.post(
        "/api/v1/messages/threads", {"subject": "Hi", "body": "No file"}, format="json"
    )
    assert plain.status_code == 201 and plain.json()["messages"][0]["attachment"] is None
    reply = vet_api.post(
        "/api/v1/messages",
        {
            "thread": body["id"],
            "body": "And the X-ray",
            "attachment": upload("xray.png", image_bytes("PNG"), "image/png"),
        },
        format="multipart",
    )
    assert reply.status_code == 201, reply.content
    assert reply.json()["attachment"]["content_type"] == "image/png"


def test_the_api_refuses_a_missing_subject_naming_it(vet, owner, vet_api):
    response = vet_api.post(
        "/api/v1/messages/threads",
        {"subject": "", "body": "x", "attachment": pdf()},
        format="multipart",
    )
    assert response.status_code == 400 and "subject" in str(response.json())
    assert not MessageThread.objects.exists()


def test_the_same_idempotency_key_with_another_file_is_refused_and_writes_nothing(
    vet, owner, vet_api
):
    def send(content):
        return vet_api.post(
            "/api/v1/messages/threads",
            {"subject": "Scan", "body": "Attached", "attachment": pdf(content=content)},
            format="multipart",
            HTTP_IDEMPOTENCY_KEY="scan-1",
        )

    assert send(PDF).status_code == 201
    other = send(PDF + b"% another page\n")
    assert other.status_code == 422 and other.json()["code"] == "idempotency_key_reused"
    assert Message.objects.count() == 1
