"""The Files tab of the client account: staff upload documents and clinical photos
(before/after, the consent recorded), each checked by its content and audited; files
are served to the clinic's front desk only; a person's copy of their data carries them,
and erasure removes the photos."""

import html
import io
import zipfile

import pytest
from django.urls import reverse
from PIL import Image

from people.models import AuditEntry
from privacy.models import ConsentKind
from privacy.services import consent_set, export_request
from records.models import ClientFile
from tests.factories.clients import ClientAccountFactory, MembershipFactory
from tests.factories.records import image_bytes, upload
from tests.fixtures.clinics import host_client

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


def stored_files(clinic):
    """The files in the clinic's folder of the storage the model writes to (a field's
    storage is fixed when the model is defined, whatever the settings say later)."""
    storage = ClientFile._meta.get_field("file").storage
    try:
        return set(storage.listdir(f"client-files/{clinic.pk}")[1])
    except FileNotFoundError:
        return set()


def upload_url(account):
    return reverse("client_records:file_upload", kwargs={"client_pk": account.pk})


def file_url(account, item):
    return reverse("client_records:file", kwargs={"client_pk": account.pk, "file_id": item.pk})


def detail(admin, account):
    return admin.get(
        reverse("clinic_workspace:client_detail", kwargs={"pk": account.pk}) + "?tab=files"
    )


def photo(name="before.jpg", size=(1600, 1200)):
    return upload(name, image_bytes(size=size))


def messages_of(response):
    return [html.unescape(str(m)).strip() for m in response.context["messages"]]


def test_a_before_photo_with_paper_consent_is_stored_audited_and_shown(
    vet, owner, vet_admin, vet_staff
):
    response = vet_admin.post(
        upload_url(owner),
        {
            "file": photo(),
            "kind": "photo",
            "stage": "before",
            "area": "Left forearm",
            "consent_on_paper": "1",
        },
        follow=True,
    )
    item = ClientFile.objects.get(client=owner)
    assert (item.kind, item.stage, item.area, item.consent) == (
        "photo",
        "before",
        "Left forearm",
        "paper",
    )
    assert item.uploaded_by == vet_staff and (item.width, item.height) == (1600, 1200)
    assert "before.jpg was uploaded." in messages_of(response)
    assert AuditEntry.objects.filter(
        client=owner, actor=vet_staff, summary=f"Uploaded clinical photo #{item.pk}"
    ).exists()

    page = detail(vet_admin, owner).content.decode()
    assert 'data-account-tab="files"' in page
    assert f'data-clinical-photo="{item.pk}"' in page
    assert f"{file_url(owner, item)}?size=thumb" in page
    assert "Consent given on paper" in page

    thumb = vet_admin.get(f"{file_url(owner, item)}?size=thumb")
    assert thumb.status_code == 200 and thumb["Content-Type"] == "image/jpeg"
    assert max(Image.open(io.BytesIO(b"".join(thumb.streaming_content))).size) == 480
    full = vet_admin.get(file_url(owner, item))
    assert full.status_code == 200 and full["X-Content-Type-Options"] == "nosniff"
    assert Image.open(io.BytesIO(b"".join(full.streaming_content))).size == (1600, 1200)
    assert AuditEntry.objects.filter(summary__startswith=f"Viewed file #{item.pk}").count() == 1


def test_a_photo_without_consent_is_refused_naming_the_field_and_nothing_is_stored(
    vet, owner, vet_admin
):
    before = stored_files(vet)
    response = vet_admin.post(
        upload_url(owner), {"file": photo(), "kind": "photo", "stage": "after"}, follow=True
    )
    [message] = messages_of(response)
    assert message.startswith("Consent: This client has not consented to photo use")
    assert not ClientFile.objects.exists() and stored_files(vet) == before
    assert not AuditEntry.objects.filter(summary__startswith="Uploaded").exists()


def test_consent_given_in_the_portal_is_recorded_on_the_photo(vet, owner, vet_admin):
    consent_set(clinic=vet, client=owner, kind=ConsentKind.PHOTO_USE, given=True, source="portal")
    vet_admin.post(upload_url(owner), {"file": photo(), "kind": "photo", "stage": "after"})
    assert ClientFile.objects.get(client=owner).consent == "recorded"
    # Withdrawn: a new photo needs paper consent again.
    consent_set(clinic=vet, client=owner, kind=ConsentKind.PHOTO_USE, given=False, source="portal")
    vet_admin.post(upload_url(owner), {"file": photo(), "kind": "photo"})
    assert ClientFile.objects.filter(client=owner).count() == 1


def test_a_pdf_document_downloads_and_other_files_are_refused_naming_the_field(
    vet, owner, vet_admin, settings
):
    vet_admin.post(
        upload_url(owner),
        {
            "file": upload("Lab results.pdf", PDF, "application/pdf"),
            "kind": "document",
            "title": "Blood test",
        },
    )
    item = ClientFile.objects.get(client=owner)
    assert (item.kind, item.name, item.content_type, item.consent) == (
        "document",
        "Lab results.pdf",
        "application/pdf",
        "",
    )
    response = vet_admin.get(file_url(owner, item))
    assert response["Content-Disposition"].startswith("attachment")
    assert b"".join(response.streaming_content) == PDF
    assert "Blood test" in detail(vet_admin, owner).content.decode()

    before = stored_files(vet)
    response = vet_admin.post(
        upload_url(owner),
        {"file": upload("notes.pdf", b"<script>alert(1)</script>", "application/pdf")},
        follow=True,
    )
    assert messages_of(response)[-1].startswith("File: Attach a picture")
    settings.MESSAGE_ATTACHMENT_MAX_BYTES = 10
    response = vet_admin.post(
        upload_url(owner), {"file": upload("big.pdf", PDF, "application/pdf")}, follow=True
    )
    assert messages_of(response)[-1].startswith("File: The file is")
    # A document is no clinical photo: a PDF as a photo is refused too.
    response = vet_admin.post(
        upload_url(owner),
        {
            "file": upload("x.pdf", b"%PDF-1.4", "application/pdf"),
            "kind": "photo",
            "consent_on_paper": "1",
        },
        follow=True,
    )
    assert messages_of(response)[-1].startswith("File: A clinical photo must be a picture")
    assert ClientFile.objects.count() == 1 and stored_files(vet) == before


def test_another_clinic_or_client_finds_nothing_and_a_booking_must_be_the_clients(
    vet, owner, vet_admin, glow_on
):
    vet_admin.post(upload_url(owner), {"file": photo(), "kind": "photo", "consent_on_paper": "1"})
    item = ClientFile.objects.get()
    glow_staff = host_client(glow_on)
    glow_staff.force_login(MembershipFactory(clinic=glow_on, role="manager").user)
    assert glow_staff.get(file_url(owner, item)).status_code == 404
    assert glow_staff.get(f"{file_url(owner, item)}?size=thumb").status_code == 404
    glow_client = ClientAccountFactory(clinic=glow_on)
    assert glow_staff.get(file_url(glow_client, item)).status_code == 404
    assert glow_staff.post(upload_url(owner), {"file": photo()}).status_code == 404
    delete = reverse(
        "client_records:file_delete", kwargs={"client_pk": owner.pk, "file_id": item.pk}
    )
    assert glow_staff.post(delete).status_code == 404
    other = ClientAccountFactory(clinic=vet)
    assert vet_admin.get(file_url(other, item)).status_code == 404
    # A therapist has no Files tab, nor its door.
    therapist = host_client(vet)
    therapist.force_login(MembershipFactory(clinic=vet, role="therapist").user)
    assert therapist.get(file_url(owner, item)).status_code in (302, 403)  # refused
    # The owner (a patient) cannot open the staff door.
    patient = host_client(vet)
    patient.force_login(owner.user)
    assert patient.get(file_url(owner, item)).status_code in (302, 403)
    assert ClientFile.objects.filter(pk=item.pk).exists()


def test_a_booking_of_another_client_is_refused_naming_it(vet, owner, vet_admin):
    response = vet_admin.post(
        upload_url(owner), {"file": photo(), "kind": "document", "booking": "999999"}, follow=True
    )
    assert messages_of(response)[-1] == "Booking: Choose one of this client's bookings."
    assert not ClientFile.objects.exists()


def test_removing_a_file_deletes_it_and_is_audited(
    vet, owner, vet_admin, vet_staff, settings, django_capture_on_commit_callbacks
):
    vet_admin.post(upload_url(owner), {"file": photo(), "kind": "photo", "consent_on_paper": "1"})
    item = ClientFile.objects.get()
    names = {item.file.name.rsplit("/", 1)[1], item.thumbnail.name.rsplit("/", 1)[1]}
    assert names <= stored_files(vet)  # the photo and its thumbnail
    with django_capture_on_commit_callbacks(execute=True):
        response = vet_admin.post(
            reverse(
                "client_records:file_delete", kwargs={"client_pk": owner.pk, "file_id": item.pk}
            )
        )
    assert response.status_code == 302 and response["Location"].endswith("#tab-files")
    assert not ClientFile.objects.exists() and not names & stored_files(vet)
    assert AuditEntry.objects.filter(
        actor=vet_staff, summary=f"Removed clinical photo #{item.pk}"
    ).exists()


def test_the_clients_copy_of_their_data_has_the_files_and_erasure_removes_the_photos(
    vet, owner, vet_admin, settings, django_capture_on_commit_callbacks
):
    vet_admin.post(upload_url(owner), {"file": photo(), "kind": "photo", "consent_on_paper": "1"})
    vet_admin.post(
        upload_url(owner),
        {"file": upload("Referral.pdf", PDF, "application/pdf"), "title": "Referral letter"},
    )
    photo_item, document = ClientFile.objects.order_by("pk")
    with django_capture_on_commit_callbacks(execute=True):
        export = export_request(clinic=vet, client=owner)
    export.refresh_from_db()
    with export.file.open("rb") as handle:
        archive = zipfile.ZipFile(io.BytesIO(handle.read()))
    names = set(archive.namelist())
    assert f"files/{document.pk}-Referral.pdf" in names
    assert archive.read(f"files/{document.pk}-Referral.pdf") == PDF
    assert f"files/{photo_item.pk}-{photo_item.name}" in names
    data = archive.read("files/data.json").decode()
    assert "Referral letter" in data and '"consent": "paper"' in data

    from privacy.registry import parts

    [part] = [p for p in parts() if p.key == "files"]
    with django_capture_on_commit_callbacks(execute=True):
        summary = part.erase(clinic=vet, client=owner, user=owner.user)
    assert summary == {"clinical_photos": 1, "documents_kept": 1}
    document.refresh_from_db()
    assert (document.name, document.title) == (f"document-{document.pk}.pdf", "")
    assert not ClientFile.objects.filter(pk=photo_item.pk).exists()
    left = stored_files(vet)
    assert document.file.name.rsplit("/", 1)[1] in left
    assert photo_item.file.name.rsplit("/", 1)[1] not in left
