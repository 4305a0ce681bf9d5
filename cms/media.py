"""Media files for the development server (``DEBUG``; in production the storage or the
web server serves them): everything under ``MEDIA_ROOT`` but Wagtail's documents, which
only their serve view hands out, to whom ``people.documents`` allows."""

from pathlib import Path

from django.conf import settings
from django.http import Http404
from django.utils._os import safe_join
from django.views.static import serve

DOCUMENTS_DIR = "documents"  # Wagtail's Document.file upload_to


def serve_media_in_development(request, path, document_root=None, show_indexes=False):
    root = Path(document_root or settings.MEDIA_ROOT).resolve()
    try:
        target = Path(safe_join(root, path)).resolve()
    except ValueError as exc:  # outside the media root
        raise Http404 from exc
    if target.is_relative_to(root / DOCUMENTS_DIR):
        raise Http404
    return serve(request, path, document_root=root, show_indexes=show_indexes)
