"""Admin templates written by hand follow what Wagtail's admin CSS needs."""

import pathlib
import re

from django.conf import settings

ADMIN_TEMPLATES = [
    path
    for path in (pathlib.Path(settings.BASE_DIR) / "templates").rglob("*.html")
    if "admin" in path.parts
]


def test_every_admin_input_names_its_type():
    """Wagtail's admin CSS draws a text field only for ``input[type=text]`` (and the
    other named types): an input without a type had no border and no height — the
    payment amount fields were invisible."""
    untyped = [
        f"{path.relative_to(settings.BASE_DIR)}: {tag[:60]}"
        for path in ADMIN_TEMPLATES
        for tag in re.findall(r"<input\b[^>]*>", path.read_text(), flags=re.S)
        if not re.search(r"\btype=", tag)
    ]
    assert ADMIN_TEMPLATES and not untyped, untyped
