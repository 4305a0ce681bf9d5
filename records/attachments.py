"""Files clients attach to messages, checked by their content, never by name or declared
type: a picture (JPEG, PNG or WebP, through ``people.images.image_clean``: size and pixel
limits, re-encoded from the pixels so EXIF and other metadata are dropped) or a PDF
(it must start with the PDF signature; at most ``MESSAGE_ATTACHMENT_MAX_BYTES``).
Anything else is refused naming the field. Served only as a download (``attachment``
disposition, ``nosniff``), so a file never runs as a page."""

import io
import re
from dataclasses import dataclass

from django.conf import settings
from django.core.files.base import ContentFile
from django.http import FileResponse
from django.utils.translation import gettext as _

from people.images import image_clean
from people.services import ClientError
from records.errors import RecordsErrorCode

# Signatures of the pictures image_clean reads (the rest of the check is Pillow's).
IMAGE_SIGNATURES = (b"\xff\xd8\xff", b"\x89PNG\r\n\x1a\n")
PDF_SIGNATURE = b"%PDF-"


class AttachmentRejected(ClientError):
    pass


@dataclass(frozen=True)
class CleanAttachment:
    content: ContentFile
    name: str
    content_type: str
    size: int


def _size(upload):
    size = getattr(upload, "size", None)
    if size is None:
        upload.seek(0, io.SEEK_END)
        size = upload.tell()
    return size


def _safe_name(name, extension):
    """The file's own name for the download (no folders, no odd characters), ending in
    the extension its content has."""
    base = (name or "").replace("\\", "/").rsplit("/", 1)[-1]
    stem = base.rsplit(".", 1)[0] if "." in base else base
    stem = re.sub(r"\s+", " ", re.sub(r"[^\w\- ]+", "", stem)).strip()[:80]
    return f"{stem or 'attachment'}.{extension}"


def attachment_clean(upload, *, field="attachment") -> CleanAttachment:
    """Check ``upload`` and return what to store, or raise ``AttachmentRejected`` (or
    ``ImageRejected`` for a bad picture) naming ``field``."""
    upload.seek(0)
    head = upload.read(16)
    upload.seek(0)
    name = getattr(upload, "name", "")
    if head.startswith(IMAGE_SIGNATURES) or (head[:4] == b"RIFF" and head[8:12] == b"WEBP"):
        clean = image_clean(upload, field=field)
        extension = clean.content.name.rsplit(".", 1)[-1]
        return CleanAttachment(
            content=clean.content,
            name=_safe_name(name, extension),
            content_type=clean.content_type,
            size=clean.content.size,
        )
    if head.startswith(PDF_SIGNATURE):
        limit, size = settings.MESSAGE_ATTACHMENT_MAX_BYTES, _size(upload)
        if size > limit:
            raise AttachmentRejected(
                _("The file is %(size)s; the limit is %(limit)s.")
                % {"size": _mb(size), "limit": _mb(limit)},
                field=field,
                code=RecordsErrorCode.FILE_TOO_LARGE,
            )
        upload.seek(0)
        return CleanAttachment(
            content=ContentFile(upload.read(), name="attachment.pdf"),
            name=_safe_name(name, "pdf"),
            content_type="application/pdf",
            size=size,
        )
    raise AttachmentRejected(
        _("Attach a picture (JPEG, PNG or WebP) or a PDF; this file is neither."),
        field=field,
        code=RecordsErrorCode.FILE_INVALID,
    )


def _mb(n):
    return f"{n / (1024 * 1024):.0f} MB"


def attachment_response(message):
    """A message's file as a download (the portal's, the API's and the staff's door),
    never shown inline nor kept by shared caches. The caller has decided who may."""
    response = FileResponse(
        message.attachment.open("rb"),
        content_type=message.attachment_type or "application/octet-stream",
        as_attachment=True,
        filename=message.attachment_name or "attachment",
    )
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response
