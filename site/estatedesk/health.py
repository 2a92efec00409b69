"""/healthz for load balancers and orchestrators.

- database or task queue unreachable → 503 ("unavailable"): this node cannot do its work;
- cache unreachable → 200 ("degraded"): the site works from the database, slower (the cache is an
  optimisation, see estatedesk.cache), so the node must stay in rotation.
Served over plain HTTP in production too (``SECURE_REDIRECT_EXEMPT``): internal checks do not
speak TLS.
"""

import logging

from django.core.cache import caches
from django.db import connection
from django.http import JsonResponse
from django.views.decorators.cache import never_cache
from huey.contrib.djhuey import HUEY

logger = logging.getLogger(__name__)


def _database_ok() -> bool:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            return cursor.fetchone()[0] == 1
    except Exception:  # any failure means "not healthy", whatever the driver raises
        logger.exception("health check: database")
        return False


def _queue_ok() -> bool:
    try:
        HUEY.pending_count()  # a real round trip to Redis or to the SQLite queue file
        return True
    except Exception:
        logger.exception("health check: task queue")
        return False


def _cache_ok() -> bool:
    cache = caches["default"]
    try:
        if hasattr(cache, "ping"):
            cache.ping()  # bypasses the fault tolerance: a real round trip
        else:
            cache.set("estatedesk:healthz", 1, timeout=10)
        return True
    except Exception as exc:
        logger.warning("health check: cache unavailable (%s)", exc)
        return False


@never_cache
def healthz(request):
    checks = {"database": _database_ok(), "queue": _queue_ok(), "cache": _cache_ok()}
    if not (checks["database"] and checks["queue"]):
        status, label = 503, "unavailable"
    elif not checks["cache"]:
        status, label = 200, "degraded"
    else:
        status, label = 200, "ok"
    return JsonResponse({"status": label, **checks}, status=status)
