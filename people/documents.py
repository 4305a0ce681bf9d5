"""Who may download a Wagtail document (``/documents/<id>/<file name>``).

A document belongs to the clinic whose media collection holds it (``branding.services.
clinic_collection``, or a collection under it) and is served only on that clinic's
domain; another domain answers 404, as if it were not there. On its own domain:

- a document in the clinic's "Public" collection (``clinic_public_collection``) is the
  clinic's choice to publish it (a leaflet its pages link to): anyone may download it;
- any other is for the clinic's staff (managers, staff, therapists; superusers too).
  Someone not signed in is sent to sign in; anyone else gets 404.

Wagtail's own collection privacy settings still apply on top (they can only narrow).
Documents are never served straight from the media folder (``cms.media``), and
``WAGTAILDOCS_SERVE_METHOD`` keeps Wagtail streaming them through this check instead of
redirecting to the storage's URL.
"""

from django.contrib.auth.views import redirect_to_login
from django.http import Http404

from branding.selectors import clinic_document_collections
from people.selectors import clinic_role_for_user


def _within(collection, parent):
    return parent is not None and collection.path.startswith(parent.path)


def document_refusal(document, request):
    """None if the request may have the document; else the answer refusing it (or
    Http404 raised)."""
    clinic = getattr(request, "clinic", None)
    own, public = clinic_document_collections(clinic) if clinic else (None, None)
    if not _within(document.collection, own):
        raise Http404
    if _within(document.collection, public):
        return None
    if clinic_role_for_user(clinic, request.user) is not None:
        return None
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    raise Http404
