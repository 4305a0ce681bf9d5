"""Uploaded images, checked by their content and re-encoded before they are stored.

Whatever a file is called, Pillow must recognise it as JPEG, PNG or WebP; it must fit the
size and pixel limits (settings ``PHOTO_MAX_UPLOAD_BYTES``, ``PHOTO_MAX_PIXELS``). The
stored copy is rebuilt from the pixels alone, so EXIF (camera, GPS position, time) and
any other metadata or trailing bytes never reach storage; the EXIF orientation is applied
first so the picture stays upright."""

import io
from dataclasses import dataclass

from django.conf import settings
from django.core.files.base import ContentFile
from django.utils.translation import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError

from branding.errors import DomainError
from people.errors import PeopleErrorCode

# Pillow format → (stored extension, content type, save options).
ACCEPTED = {
    "JPEG": ("jpg", "image/jpeg", {"quality": 88, "optimize": True}),
    "PNG": ("png", "image/png", {"optimize": True}),
    "WEBP": ("webp", "image/webp", {"quality": 88}),
}


class ImageRejected(DomainError):
    code = PeopleErrorCode.INVALID_IMAGE


@dataclass(frozen=True)
class CleanImage:
    content: ContentFile
    content_type: str
    width: int
    height: int


def _mb(n):
    return f"{n / (1024 * 1024):.0f} MB"


def image_clean(upload, *, field="image") -> CleanImage:
    """Check ``upload`` (a Django ``UploadedFile`` or any binary file) and return a
    re-encoded copy, or raise ``ImageRejected`` naming ``field``."""
    if upload is None:
        raise ImageRejected(
            _("Choose a photo to upload."), field=field, code=PeopleErrorCode.INVALID_IMAGE
        )
    limit = settings.PHOTO_MAX_UPLOAD_BYTES
    size = getattr(upload, "size", None)
    if size is None:
        upload.seek(0, io.SEEK_END)
        size = upload.tell()
    if size > limit:
        raise ImageRejected(
            _("The photo is %(size)s; the limit is %(limit)s.")
            % {"size": _mb(size), "limit": _mb(limit)},
            field=field,
            code=PeopleErrorCode.TOO_LARGE,
        )
    upload.seek(0)
    try:
        source = Image.open(upload)  # reads the header only
        fmt = source.format
        width, height = source.size
    except (UnidentifiedImageError, OSError, Image.DecompressionBombError) as exc:
        raise ImageRejected(
            _("This file is not an image we can read (JPEG, PNG or WebP)."),
            field=field,
            code=PeopleErrorCode.INVALID_IMAGE,
        ) from exc
    if fmt not in ACCEPTED:
        raise ImageRejected(
            _("%(format)s images are not accepted; upload a JPEG, PNG or WebP.") % {"format": fmt},
            field=field,
            code=PeopleErrorCode.INVALID_IMAGE,
        )
    if width * height > settings.PHOTO_MAX_PIXELS:
        raise ImageRejected(
            _(
                "The photo is %(width)s×%(height)s pixels, more than we accept "
                "(%(megapixels)s megapixels)."
            )
            % {
                "width": width,
                "height": height,
                "megapixels": settings.PHOTO_MAX_PIXELS // 1_000_000,
            },
            field=field,
            code=PeopleErrorCode.TOO_LARGE,
        )
    try:
        source.load()
        return _reencode(ImageOps.exif_transpose(source), fmt)
    except (OSError, ValueError, Image.DecompressionBombError) as exc:
        # Truncated data, or a pixel format we cannot convert (e.g. 16-bit greyscale).
        raise ImageRejected(
            _("The image is damaged and cannot be read."),
            field=field,
            code=PeopleErrorCode.INVALID_IMAGE,
        ) from exc


def _reencode(image, fmt) -> CleanImage:
    extension, content_type, options = ACCEPTED[fmt]
    has_alpha = image.mode in ("RGBA", "LA") or "transparency" in image.info
    mode = "RGBA" if has_alpha and fmt != "JPEG" else "RGB"
    image = image.convert(mode)
    image.thumbnail((settings.PHOTO_STORED_MAX_SIDE, settings.PHOTO_STORED_MAX_SIDE))
    # Pixels only: a fresh image carries no info dict, so no EXIF, XMP or comments.
    pixels = Image.frombytes(mode, image.size, image.tobytes())
    out = io.BytesIO()
    pixels.save(out, format=fmt, **options)
    return CleanImage(
        content=ContentFile(out.getvalue(), name=f"photo.{extension}"),
        content_type=content_type,
        width=pixels.width,
        height=pixels.height,
    )


THUMBNAIL_SIDE = 480


@dataclass(frozen=True)
class Thumbnail:
    content: ContentFile
    # The full picture's size, read while making the thumbnail.
    source_width: int
    source_height: int


def image_thumbnail(content, content_type, *, side=THUMBNAIL_SIDE) -> Thumbnail:
    """A small copy, for galleries, of a picture ``image_clean`` already checked and
    re-encoded: at most ``side`` pixels on its longest side, in the same format."""
    fmt = next(fmt for fmt, spec in ACCEPTED.items() if spec[1] == content_type)
    content.seek(0)
    with Image.open(content) as source:
        source.load()
        image = source.copy()
    content.seek(0)
    width, height = image.size
    image.thumbnail((side, side))
    extension, _content_type, options = ACCEPTED[fmt]
    out = io.BytesIO()
    image.save(out, format=fmt, **options)
    return Thumbnail(
        content=ContentFile(out.getvalue(), name=f"thumbnail.{extension}"),
        source_width=width,
        source_height=height,
    )
