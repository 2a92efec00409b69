"""/healthz: 200 when the database and the task queue answer, 503 otherwise."""

import logging

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


@never_cache
def healthz(request):
    checks = {"database": _database_ok(), "queue": _queue_ok()}
    status = 200 if all(checks.values()) else 503
    return JsonResponse({"status": "ok" if status == 200 else "unavailable", **checks}, status=status)
