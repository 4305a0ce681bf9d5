"""ETags for the content an app caches (the clinic's branding, pages, the dashboard):
``If-None-Match`` with the current tag answers ``304 Not Modified`` with no body.

A tag comes from a cheap *version key* where there is one — the settings rows already
loaded with the clinic, a page's published revision — so a 304 is decided before the
answer is built. Per-person content that many apps' rows feed (the dashboard) is tagged
from its body instead (``body_etag``): the answer is built, but not sent again.

Every answer says ``Cache-Control: no-cache`` (keep it, but ask again each time; the
ETag makes asking cheap) and ``private`` for a person's own content, so no shared cache
keeps it. The language is part of every key: the same page reads differently in
Bulgarian.
"""

import hashlib
import json

from django.http import HttpResponseNotModified
from django.http.response import HttpResponseBase
from django.utils import translation
from django.utils.cache import patch_cache_control, patch_vary_headers
from django.utils.http import parse_etags, quote_etag
from rest_framework.response import Response

# Bump when the shape of a cached answer changes, so apps fetch it again after a release.
FORMAT_VERSION = 1


def _etag(material) -> str:
    # JSON, not repr: a choice read back from the database (str) and the same choice
    # still an enum member on a fresh instance must give the same tag.
    text = json.dumps(
        [FORMAT_VERSION, translation.get_language(), material], sort_keys=True, default=str
    )
    return quote_etag(hashlib.sha256(text.encode()).hexdigest()[:32])


def version_etag(*key) -> str:
    """A quoted strong ETag from a version key (values JSON or str() can write)."""
    return _etag(key)


def body_etag(data) -> str:
    """A quoted strong ETag from the answer's data itself."""
    return _etag(data)


def _matches(request, etag) -> bool:
    header = request.META.get("HTTP_IF_NONE_MATCH")
    if not header:
        return False
    tags = parse_etags(header)
    if "*" in tags:
        return True
    bare = etag.removeprefix("W/")  # weak comparison: GZip middleware weakens tags
    return any(tag.removeprefix("W/") == bare for tag in tags)


def _headers(response, etag, private):
    response["ETag"] = etag
    if private:
        patch_cache_control(response, private=True, no_cache=True)
    else:
        patch_cache_control(response, no_cache=True)
    patch_vary_headers(response, ("Accept-Language", "Authorization", "Cookie"))
    return response


def cached_response(request, etag, build, *, private=True):
    """``304`` if the client's ``If-None-Match`` holds ``etag``; otherwise ``build()``'s
    data as the answer. Both carry the ETag and the Cache-Control header."""
    if request.method in ("GET", "HEAD") and _matches(request, etag):
        return _headers(HttpResponseNotModified(), etag, private)
    body = build()
    response = body if isinstance(body, HttpResponseBase) else Response(body)
    return _headers(response, etag, private)


def body_cached_response(request, data, *, private=True):
    """``cached_response`` for data already built, tagged by its content."""
    return cached_response(request, body_etag(data), lambda: data, private=private)
