"""A drawn signature arrives as a PNG data URL from the portal's canvas. It is decoded,
checked (really a PNG, not too big) and re-encoded, so only clean pixels are stored."""

import base64
import binascii
import io

from django.utils.translation import gettext as _
from PIL import Image, UnidentifiedImageError

from branding.errors import DomainError
from records.errors import RecordsErrorCode

MAX_BYTES = 300_000
MAX_SIDE = 2000
PREFIX = "data:image/png;base64,"


class SignatureError(DomainError):
    pass


def signature_png_from_data_url(data_url) -> bytes:
    """PNG bytes of the drawn signature, or b"" when nothing was drawn."""
    data_url = (data_url or "").strip()
    if not data_url:
        return b""
    if not data_url.startswith(PREFIX) or len(data_url) > MAX_BYTES * 4 // 3 + len(PREFIX) + 4:
        raise SignatureError(
            _("The drawn signature could not be read."),
            field="signature",
            code=RecordsErrorCode.SIGNATURE_INVALID,
        )
    try:
        raw = base64.b64decode(data_url[len(PREFIX) :], validate=True)
        image = Image.open(io.BytesIO(raw))
        if image.format != "PNG" or max(image.size) > MAX_SIDE:
            raise SignatureError(
                _("The drawn signature could not be read."),
                field="signature",
                code=RecordsErrorCode.SIGNATURE_INVALID,
            )
        image.load()
    except (binascii.Error, UnidentifiedImageError, OSError, ValueError) as exc:
        raise SignatureError(
            _("The drawn signature could not be read."),
            field="signature",
            code=RecordsErrorCode.SIGNATURE_INVALID,
        ) from exc
    if image.getbbox() is None or (
        image.mode == "RGBA" and image.getchannel("A").getbbox() is None
    ):
        return b""  # a blank canvas: no drawn signature
    out = io.BytesIO()
    image.convert("RGBA").save(out, format="PNG", optimize=True)
    return out.getvalue()
