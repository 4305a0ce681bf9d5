"""Service and staff photos (Wagtail images a manager chooses in the admin) as the
portal and the API show them: a fixed set of renditions each, prefetched with the
catalogue so a list of services costs no query per picture."""

from django.db.models import Prefetch
from wagtail.images import get_image_model

# name → Wagtail filter spec. The portal's cards and the apps use the same files.
SERVICE_RENDITIONS = {"card": "fill-640x360", "thumb": "fill-160x160"}
STAFF_RENDITIONS = {"avatar": "fill-192x192", "portrait": "fill-480x600"}


def images_with_renditions(specs):
    """Images with the renditions of ``specs`` prefetched (made ones only)."""
    return get_image_model().objects.prefetch_renditions(*specs.values())


def prefetch_image(field, specs):
    return Prefetch(field, queryset=images_with_renditions(specs))


def renditions(image, specs) -> dict | None:
    """``{name: rendition}`` for ``image`` (made once, then read), or None. All at once
    (``get_renditions``): prefetched ones cost no query and no cache write."""
    if image is None:
        return None
    made = image.get_renditions(*specs.values())
    return {name: made[spec] for name, spec in specs.items()}


def rendition_urls(image, specs, build=lambda url: url) -> dict | None:
    """``{name: url}``; ``build`` makes each URL absolute (the API's request)."""
    found = renditions(image, specs)
    if found is None:
        return None
    return {name: build(rendition.url) for name, rendition in found.items()}


def initials(name: str) -> str:
    """Up to two letters for a picture-less card: "Amara Hart" → "AH"; titles and
    punctuation skipped ("Dr Amara Hart" → "AH")."""
    words = [w for w in name.replace("-", " ").split() if w[:1].isalpha()]
    if len(words) > 2 and words[0].rstrip(".").lower() in {"dr", "mr", "mrs", "ms", "miss", "prof"}:
        words = words[1:]
    letters = "".join(w[0] for w in words[:2]).upper()
    return letters or "·"
