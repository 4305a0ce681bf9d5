"""``Idempotency-Key`` on the API's POSTs that create something, with Stripe's rules:
the same key with the same request answers the first answer again (status, headers and
body, with ``Idempotent-Replayed: true``) without doing anything twice; the same key
with another request is 422 ``idempotency_key_reused``; while the first is still being
processed, 409 ``idempotency_key_in_use``. Keys are kept 24 hours.

The storing and replaying is drf-idempotency's (its database backend, ``IDEMPOTENCY``
setting). We scope every key to the person and the clinic: two people (or one person at
two clinics) who pick the same key never see each other's answers."""

import hashlib
from functools import wraps

from drf_idempotency.core import process_idempotent_request
from drf_idempotency.exceptions import InvalidIdempotencyKeyError
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema

HEADER = "Idempotency-Key"
MAX_KEY_LENGTH = 200  # the scope prefix fits in the library's 255


class _Scoped:
    """What the library reads of a request, with the key scoped to person and clinic.
    (The body is read from Django's request before DRF parses it.)"""

    def __init__(self, request, scoped_key):
        self.method = request.method
        self.path = request.path
        self.body = _fingerprint(request)
        self.headers = {HEADER: scoped_key}


def _fingerprint(request) -> bytes:
    """What "the same request" means: the raw body, except for a multipart upload, whose
    parsed fields and files' contents are digested instead (its boundary differs on
    every retry, and reading a file's raw body would hold it all in memory, refused over
    ``DATA_UPLOAD_MAX_MEMORY_SIZE``)."""
    django_request = getattr(request, "_request", request)
    if not (request.content_type or "").startswith("multipart/"):
        return django_request.body
    digest = hashlib.sha256()
    data = request.data
    for name in sorted(data.keys()):
        for value in data.getlist(name) if hasattr(data, "getlist") else [data[name]]:
            digest.update(name.encode() + b"\0")
            if hasattr(value, "chunks"):
                for chunk in value.chunks():
                    digest.update(chunk)
                value.seek(0)
                digest.update(b"\0file:" + (value.name or "").encode())
            else:
                digest.update(str(value).encode())
            digest.update(b"\0\0")
    return digest.hexdigest().encode()


def idempotent(view_method):
    """Decorate an APIView's ``post``: honour ``Idempotency-Key`` when it is sent."""

    @wraps(view_method)
    def wrapper(self, request, *args, **kwargs):
        key = request.headers.get(HEADER)
        if key is None:
            return view_method(self, request, *args, **kwargs)
        if len(key) > MAX_KEY_LENGTH:
            raise InvalidIdempotencyKeyError(f"must not exceed {MAX_KEY_LENGTH} characters")
        clinic = getattr(request, "clinic", None)
        scope = f"c{clinic.pk if clinic else 0}:u{request.user.pk or 0}"

        def answer():
            # The answer as DRF would send it — refusals too (Stripe replays those), so
            # it can be stored; only an unexpected error (a 500) propagates, unstored.
            try:
                response = view_method(self, request, *args, **kwargs)
            except Exception as exc:  # noqa: BLE001 - DRF decides which it answers
                response = self.handle_exception(exc)
            return self.finalize_response(request, response, *args, **kwargs)

        response = process_idempotent_request(_Scoped(request, f"{scope}:{key}"), answer)
        response[HEADER] = key  # the person's key, not our scoped one
        return response

    # The schema names the header on every operation that takes it.
    return extend_schema(parameters=[IDEMPOTENCY_KEY_PARAMETER])(wrapper)


IDEMPOTENCY_KEY_PARAMETER = OpenApiParameter(
    HEADER,
    OpenApiTypes.STR,
    OpenApiParameter.HEADER,
    required=False,
    description=(
        "Retry safely: the same key and body within 24 hours answers the first answer "
        "again (Idempotent-Replayed: true); the same key with another body is 422 "
        "idempotency_key_reused. 1-200 characters of A-Z a-z 0-9 . _ ~ : -"
    ),
)
