"""/healthz for load balancers and uptime checks: it touches what every request needs
(the database and the cache) and answers 503 naming what failed, so a node whose
database is stuck is taken out of rotation instead of reported healthy."""

import logging
import uuid

from django.core.cache import cache
from django.db import connection
from django.http import HttpResponse
from django.views.decorators.cache import never_cache

logger = logging.getLogger(__name__)


def _database_ok() -> bool:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            return cursor.fetchone() == (1,)
    except Exception:
        logger.exception("Health check: database failed")
        return False


def _cache_ok() -> bool:
    key, token = f"healthz:{uuid.uuid4().hex}", uuid.uuid4().hex
    try:
        cache.set(key, token, timeout=30)
        ok = cache.get(key) == token
        cache.delete(key)
    except Exception:
        logger.exception("Health check: cache failed")
        return False
    if not ok:
        logger.error("Health check: cache did not return what it was given")
    return ok


@never_cache
def healthz(request):
    failed = [name for name, ok in (("database", _database_ok()), ("cache", _cache_ok())) if not ok]
    if failed:
        return HttpResponse(
            "unavailable: " + ", ".join(failed), status=503, content_type="text/plain"
        )
    return HttpResponse("ok", content_type="text/plain")
