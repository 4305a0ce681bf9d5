"""Pictures for the demo's services and staff, drawn here with Pillow (nothing is
downloaded): soft abstract "spa" scenes for services and stylised portraits for staff,
in each clinic's colours. The same name always draws the same picture, so seeding again
finds the image it made before (by content hash) and adds nothing."""

import hashlib
import random
from io import BytesIO

from PIL import Image, ImageDraw, ImageFilter

SERVICE_SIZE = (1280, 720)
PORTRAIT_SIZE = (600, 750)

# Warm, quiet palettes a med-spa or a practice might photograph in: (background from,
# background to, highlight).
PALETTES = [
    ((246, 232, 226), (214, 178, 170), (255, 250, 245)),  # blush
    ((232, 236, 228), (170, 186, 160), (250, 252, 246)),  # sage
    ((240, 232, 245), (178, 150, 200), (252, 248, 255)),  # lilac
    ((236, 241, 246), (150, 176, 200), (250, 252, 255)),  # mist
    ((246, 238, 222), (206, 176, 128), (255, 251, 240)),  # sand
]


def _rng(name):
    return random.Random(int(hashlib.sha1(name.encode()).hexdigest()[:12], 16))


def _gradient(size, top, bottom):
    width, height = size
    image = Image.new("RGB", size, top)
    draw = ImageDraw.Draw(image)
    for y in range(height):
        t = y / max(height - 1, 1)
        draw.line(
            [(0, y), (width, y)],
            fill=tuple(round(a + (b - a) * t) for a, b in zip(top, bottom, strict=True)),
        )
    return image


def service_picture(name: str) -> bytes:
    """A soft-focus still life: a gradient, blurred light, smooth stones and a leaf."""
    rng = _rng(name)
    top, bottom, light = PALETTES[rng.randrange(len(PALETTES))]
    image = _gradient(SERVICE_SIZE, top, bottom)
    glow = Image.new("RGBA", SERVICE_SIZE, (0, 0, 0, 0))
    draw = ImageDraw.Draw(glow)
    for _ in range(9):  # bokeh
        r = rng.randint(40, 160)
        x, y = rng.randint(0, SERVICE_SIZE[0]), rng.randint(0, SERVICE_SIZE[1] // 2)
        draw.ellipse([x - r, y - r, x + r, y + r], fill=(*light, rng.randint(40, 110)))
    glow = _soft(glow, 40)
    image.paste(glow, (0, 0), glow)
    scene = Image.new("RGBA", SERVICE_SIZE, (0, 0, 0, 0))
    draw = ImageDraw.Draw(scene)
    base_x = rng.randint(380, 760)
    floor = 610
    for i, (w, h) in enumerate([(300, 96), (230, 80), (160, 62)]):  # a stack of stones
        shade = tuple(max(0, c - 40 - 18 * i) for c in bottom)
        cx = base_x + rng.randint(-18, 18)
        y = floor - sum((300, 96, 230, 80, 160, 62)[1 : 2 * i : 2]) * 0.82
        draw.ellipse([cx - w // 2, y - h, cx + w // 2, y], fill=(*shade, 255))
        sheen = tuple(round(a + (b - a) * 0.25) for a, b in zip(shade, light, strict=True))
        draw.ellipse([cx - w // 3, y - h + 8, cx + w // 6, y - h // 2], fill=(*sheen, 255))
    leaf_x = base_x + rng.choice([-330, 300])
    draw.ellipse([leaf_x - 40, floor - 330, leaf_x + 40, floor - 20], fill=(110, 140, 100, 230))
    draw.line([(leaf_x, floor - 320), (leaf_x, floor - 10)], fill=(80, 110, 75, 255), width=5)
    shadow = Image.new("RGBA", SERVICE_SIZE, (0, 0, 0, 0))
    ImageDraw.Draw(shadow).ellipse(
        [base_x - 220, floor - 20, base_x + 220, floor + 30], fill=(0, 0, 0, 60)
    )
    shadow = _soft(shadow, 18, factor=4)
    image.paste(shadow, (0, 0), shadow)
    image.paste(scene, (0, 0), scene)
    return _png(image)


def staff_portrait(name: str) -> bytes:
    """A studio-style silhouette portrait, head and shoulders, on a soft backdrop with
    a rim of light: tasteful where no photo has been taken yet."""
    rng = _rng(name)
    _top, bottom, light = PALETTES[rng.randrange(len(PALETTES))]
    w, h = PORTRAIT_SIZE
    image = _gradient(PORTRAIT_SIZE, light, bottom)
    halo = Image.new("RGBA", PORTRAIT_SIZE, (0, 0, 0, 0))
    ImageDraw.Draw(halo).ellipse([w * 0.1, h * 0.08, w * 0.9, h * 0.7], fill=(255, 255, 255, 120))
    halo = _soft(halo, 60)
    image.paste(halo, (0, 0), halo)
    tone = tuple(max(0, round(c * 0.42)) for c in bottom)
    person = Image.new("RGBA", PORTRAIT_SIZE, (0, 0, 0, 0))
    draw = ImageDraw.Draw(person)
    cx, cy = w // 2, int(h * 0.35)
    draw.ellipse([cx - 245, int(h * 0.6), cx + 245, h + 380], fill=(*tone, 255))  # shoulders
    draw.rounded_rectangle([cx - 55, cy + 60, cx + 55, int(h * 0.66)], 30, fill=(*tone, 255))
    draw.ellipse([cx - 100, cy - 125, cx + 100, cy + 120], fill=(*tone, 255))  # head
    if rng.random() < 0.6:  # longer hair
        draw.rounded_rectangle([cx - 122, cy - 118, cx + 122, cy + 190], 110, fill=(*tone, 255))
    else:  # short hair
        draw.ellipse([cx - 112, cy - 140, cx + 112, cy + 40], fill=(*tone, 255))
    person = _soft(person, 2.5, factor=2)
    image.paste(person, (0, 0), person)
    return _png(image)


def _soft(layer, radius, factor=8):
    """A wide blur, quickly: blurred small, then scaled back up."""
    width, height = layer.size
    small = layer.resize((width // factor, height // factor), Image.Resampling.BILINEAR)
    small = small.filter(ImageFilter.GaussianBlur(radius / factor))
    return small.resize((width, height), Image.Resampling.BICUBIC)


def _png(image) -> bytes:
    buffer = BytesIO()
    image.save(buffer, "PNG")
    return buffer.getvalue()
