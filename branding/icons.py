"""App icons for the installed portal, drawn from the clinic's logo with Pillow: the
logo fitted inside a square of the page background (a wide logo is not cropped), or the
clinic's initial on its brand colour when there is no logo."""

import hashlib
import io

from django.core.cache import cache
from PIL import Image, ImageColor, ImageDraw, ImageFont

from branding.selectors import clinic_branding

ICON_SIZES = (192, 512)
# Android masks icons to a circle: keep the logo inside the safe zone (80%).
SAFE_ZONE = 0.8
BACKGROUND = "#ffffff"


def icon_png(*, size: int, logo_file=None, initial: str = "", color: str = "#333333") -> bytes:
    canvas = Image.new("RGBA", (size, size), ImageColor.getrgb(BACKGROUND if logo_file else color))
    if logo_file is not None:
        with Image.open(logo_file) as logo:
            logo = logo.convert("RGBA")
            box = int(size * SAFE_ZONE)
            logo.thumbnail((box, box), Image.Resampling.LANCZOS)
            offset = ((size - logo.width) // 2, (size - logo.height) // 2)
            canvas.alpha_composite(logo, offset)
    else:
        draw = ImageDraw.Draw(canvas)
        font = ImageFont.load_default(size=int(size * 0.5))
        text = (initial or "?")[:1].upper()
        red, green, blue = ImageColor.getrgb(color)[:3]
        ink = "#000000" if (0.299 * red + 0.587 * green + 0.114 * blue) > 150 else "#ffffff"
        draw.text((size / 2, size / 2), text, fill=ink, font=font, anchor="mm")
    out = io.BytesIO()
    canvas.convert("RGB").save(out, format="PNG", optimize=True)
    return out.getvalue()


ICON_CACHE_SECONDS = 24 * 3600


def clinic_icon_version(clinic) -> str:
    """Changes when the icon would: a new logo (or a new file for it) or, without one,
    a new name or brand colour. Reads the logo row only when there is one."""
    branding = clinic_branding(clinic)
    logo = branding.logo
    if logo:
        return f"logo:{logo.pk}:{logo.file_hash}"
    return f"initial:{clinic.name[:1]}:{branding.primary_color}"


def clinic_icon_png(clinic, size: int) -> bytes:
    """The clinic's square app icon at ``size`` (one of ICON_SIZES), drawn once per
    version and kept in the cache: the installed portal and the apps use the same one."""
    version = clinic_icon_version(clinic)
    key = "pwa-icon:" + hashlib.sha256(f"{clinic.pk}:{size}:{version}".encode()).hexdigest()
    png = cache.get(key)
    if png is None:
        branding = clinic_branding(clinic)
        if branding.logo:
            with branding.logo.open_file() as logo_file:
                png = icon_png(size=size, logo_file=logo_file)
        else:
            png = icon_png(size=size, initial=clinic.name, color=branding.primary_color)
        cache.set(key, png, ICON_CACHE_SECONDS)
    return png
