"""Writes about the files on a client's account: staff upload a document or a clinical
photo, or remove one; each audited in the same transaction.

Every upload is checked by its content (``records.attachments.attachment_clean``: a
picture re-encoded without metadata by ``people.images``, or a PDF; sizes as
``PHOTO_MAX_UPLOAD_BYTES`` and ``MESSAGE_ATTACHMENT_MAX_BYTES``). A clinical photo must
be a picture and needs the client's photo-use consent: recorded in the portal
(``records.files.consent``) or ticked by staff as given on paper. Bad input is refused
naming the field, and nothing is stored."""

from django.db import transaction
from django.utils.translation import gettext as _

from booking_api.selectors import bookings_for_client
from people.images import image_thumbnail
from people.models import AuditAction
from people.services import ClientError, audit_record
from records.attachments import attachment_clean
from records.errors import RecordsErrorCode
from records.files.consent import photo_consent_recorded
from records.models import ClientFile, FileKind, PhotoConsent, PhotoStage


class ClientFileError(ClientError):
    pass


def _text(value, *, field, limit, label):
    value = (value or "").strip()
    if len(value) > limit:
        raise ClientFileError(
            _("%(label)s is longer than %(limit)s characters.") % {"label": label, "limit": limit},
            field=field,
            code=RecordsErrorCode.TOO_LONG,
        )
    return value


def _booking(clinic, client, booking_id):
    if booking_id in (None, ""):
        return None
    booking = None
    if str(booking_id).isdigit():
        booking = bookings_for_client(clinic, client).filter(pk=booking_id).first()
    if booking is None:
        raise ClientFileError(
            _("Choose one of this client's bookings."),
            field="booking",
            code=RecordsErrorCode.UNKNOWN_CHOICE,
        )
    return booking


def _consent(clinic, client, consent_on_paper):
    if photo_consent_recorded(clinic, client):
        return PhotoConsent.RECORDED
    if consent_on_paper:
        return PhotoConsent.PAPER
    raise ClientFileError(
        _(
            "This client has not consented to photo use in the portal. Tick that they "
            "consented on paper, or ask them to give consent first."
        ),
        field="consent_on_paper",
        code=RecordsErrorCode.PHOTO_CONSENT_REQUIRED,
    )


@transaction.atomic
def client_file_upload(
    *,
    clinic,
    client,
    actor,
    upload,
    kind=FileKind.DOCUMENT,
    title="",
    stage="",
    area="",
    booking_id=None,
    consent_on_paper=False,
    request=None,
) -> ClientFile:
    """Store a file staff chose for ``client``; audited. A photo records its consent,
    its stage (before/after), treatment area and booking when given."""
    if client.clinic_id != clinic.pk:
        raise ClientFileError(
            _("That client belongs to another clinic."),
            field="client",
            code=RecordsErrorCode.OTHER_CLINIC,
        )
    if kind not in FileKind.values:
        raise ClientFileError(
            _("Unknown kind of file %(kind)r.") % {"kind": kind},
            field="kind",
            code=RecordsErrorCode.UNKNOWN_CHOICE,
        )
    if upload is None:
        raise ClientFileError(
            _("Choose a file to upload."), field="file", code=RecordsErrorCode.REQUIRED
        )
    title = _text(title, field="title", limit=200, label=_("The description"))
    is_photo = kind == FileKind.PHOTO
    stage = (stage or "") if is_photo else ""
    if stage not in ("", *PhotoStage.values):
        raise ClientFileError(
            _("Choose before or after."), field="stage", code=RecordsErrorCode.UNKNOWN_CHOICE
        )
    area = _text(area, field="area", limit=80, label=_("The treatment area")) if is_photo else ""
    booking = _booking(clinic, client, booking_id)
    consent = _consent(clinic, client, consent_on_paper) if is_photo else ""
    clean = attachment_clean(upload, field="file")
    if is_photo and not clean.content_type.startswith("image/"):
        raise ClientFileError(
            _("A clinical photo must be a picture (JPEG, PNG or WebP)."),
            field="file",
            code=RecordsErrorCode.FILE_INVALID,
        )
    item = ClientFile(
        clinic=clinic,
        client=client,
        kind=kind,
        name=clean.name[:100],
        title=title,
        content_type=clean.content_type,
        size=clean.size,
        stage=stage,
        area=area,
        booking=booking,
        consent=consent,
        uploaded_by=actor,
    )
    stored = []
    try:
        item.file.save(clean.content.name, clean.content, save=False)
        stored.append(item.file.name)
        if clean.content_type.startswith("image/"):
            thumb = image_thumbnail(clean.content, clean.content_type)
            item.thumbnail.save(thumb.content.name, thumb.content, save=False)
            stored.append(item.thumbnail.name)
            item.width, item.height = thumb.source_width, thumb.source_height
        item.save()
        audit_record(
            clinic=clinic,
            actor=actor,
            action=AuditAction.CREATE,
            client=client,
            summary=f"Uploaded {item.get_kind_display().lower()} #{item.pk}",
            changes={
                "kind": [None, kind],
                "stage": [None, stage],
                "area": [None, area],
                "booking": [None, booking.pk if booking else None],
                "consent": [None, consent],
            },
            request=request,
        )
    except Exception:
        # Nothing half-written: no row, so no file either.
        for name in stored:
            item.file.storage.delete(name)
        raise
    return item


@transaction.atomic
def client_file_delete(*, clinic, item, actor, request=None) -> None:
    """Staff remove a file (and its thumbnail); audited. The stored files go once the
    transaction commits."""
    names = [name for name in (item.file.name, item.thumbnail.name) if name]
    storage = item.file.storage
    audit_record(
        clinic=clinic,
        actor=actor,
        action=AuditAction.CHANGE,
        client=item.client,
        summary=f"Removed {item.get_kind_display().lower()} #{item.pk}",
        changes={"name": [item.name, None]},
        request=request,
    )
    item.delete()
    transaction.on_commit(lambda: [storage.delete(name) for name in names])
