"""App icons for the installed portal, drawn from the clinic's logo with Pillow: the
logo fitted inside a square of the page background (a wide logo is not cropped), or the
clinic's initial on its brand colour when there is no logo."""

import io

from PIL import Image, ImageColor, ImageDraw, ImageFont

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
