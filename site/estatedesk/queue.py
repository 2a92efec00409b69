"""The Huey classes: any number of consumers, one scheduler.

Every ``run_huey`` runs Huey's scheduler, which enqueues the periodic tasks due in the current
minute. With two consumers every periodic task would run twice per tick, so ``read_periodic``
first claims the tick in the queue's own storage (an atomic put-if-empty, SETNX on Redis, an
INSERT OR IGNORE on the SQLite queue): the first consumer to claim a minute enqueues its tasks,
the others enqueue nothing for it. Consumers may also be started with ``--no-periodic``; then
exactly one of them must run without it (see the README's operations section).
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import sqlite3

from huey import RedisHuey, SqliteHuey

TICK_KEY = "periodic-tick:{}"
logger = logging.getLogger(__name__)


class SingleSchedulerMixin:
    def read_periodic(self, timestamp):
        if timestamp is None:
            timestamp = self._get_timestamp()
        due = super().read_periodic(timestamp)
        if not due:
            return due
        tick = timestamp.strftime("%Y%m%d%H%M")
        if not self.put_if_empty(TICK_KEY.format(tick), tick):
            return []  # another consumer's scheduler owns this minute
        # Claims are kept a few minutes (a late scheduler of the same minute still finds it),
        # then dropped so that the store does not grow.
        old = (timestamp - dt.timedelta(minutes=10)).strftime("%Y%m%d%H%M")
        self.delete(TICK_KEY.format(old))
        return due


#: Seconds a Redis call may take before it fails. Above the blocking read of a waiting consumer
#: (Huey's ``read_timeout``, 1 s), far below a request's patience: a Redis that is frozen (paused,
#: swapping, a dead peer behind a load balancer) must fail the call so that ``enqueue`` falls back,
#: not hang the request. Without it, redis-py waits for ever on a socket that accepts nothing.
REDIS_SOCKET_TIMEOUT = 3
REDIS_CONNECT_TIMEOUT = 1


class EstatedeskRedisHuey(SingleSchedulerMixin, RedisHuey):
    def __init__(self, name="huey", url=None, **kwargs):
        if url and "connection_pool" not in kwargs:
            from redis import ConnectionPool

            kwargs["connection_pool"] = ConnectionPool.from_url(
                url, socket_timeout=REDIS_SOCKET_TIMEOUT, socket_connect_timeout=REDIS_CONNECT_TIMEOUT
            )
            url = None
        super().__init__(name, url=url, **kwargs)


class EstatedeskSqliteHuey(SingleSchedulerMixin, SqliteHuey):
    pass


# --- Enqueueing from a request ---------------------------------------------------------------
# With RedisHuey a stopped Redis makes ``task(...)`` raise, and a button that queues work would
# answer 500 (and, for a job row already written, leave it waiting for nobody). ``enqueue`` is the
# one way a request queues a task: when the queue's storage cannot be reached, bounded work runs in
# the request (``LOCAL``), anything else is recorded as a ``DeferredTask`` that the frequent sweep
# queues again once the storage answers (``DEFER``). Either way the caller learns which happened,
# to tell the user.

QUEUED = "queued"  #: handed to the queue as usual
RAN_HERE = "ran-here"  #: the queue was down; the task ran in the request
DEFERRED = "deferred"  #: the queue was down; recorded for the frequent sweep

LOCAL = "local"
DEFER = "defer"

#: What a storage that cannot be reached raises: Redis (refused, timed out), the SQLite queue
#: (locked, unwritable), and the sockets or files underneath.
try:
    from redis.exceptions import RedisError
except ImportError:  # pragma: no cover - redis is a dependency, but the SQLite queue needs none
    RedisError = OSError
STORAGE_ERRORS = (RedisError, sqlite3.Error, OSError)


def task_path(task) -> str:
    """The importable path of a Huey task wrapper (``spreadsheets.tasks.run_import_job``)."""
    return f"{task.func.__module__}.{task.func.__name__}"


def deferred_key(task, *args) -> str:
    return f"{task_path(task)}:{json.dumps(list(args), separators=(',', ':'))}"


def enqueue(task, *args, fallback: str = DEFER) -> str:
    """Queue ``task(*args)``; if the queue cannot be reached, run it here (``fallback=LOCAL``,
    for bounded work only) or record it for the frequent sweep (``DEFER``). Returns ``QUEUED``,
    ``RAN_HERE`` or ``DEFERRED``. Arguments must be JSON values (ids, ISO dates)."""
    if task.huey.immediate:
        # Tests and development: the task runs inline, and its own errors must surface as such.
        task(*args)
        return QUEUED
    try:
        task(*args)
        return QUEUED
    except STORAGE_ERRORS as exc:
        logger.warning("task queue unavailable (%s): %s %s", exc.__class__.__name__, task_path(task),
                       "runs in the request" if fallback == LOCAL else "deferred to the sweep")
    if fallback == LOCAL:
        task.call_local(*args)
        return RAN_HERE
    from estatedesk.models import DeferredTask

    # One record per task and arguments: a second click while the queue is down adds nothing.
    DeferredTask.objects.get_or_create(key=deferred_key(task, *args),
                                       defaults={"task": task_path(task), "args": list(args)})
    return DEFERRED


def is_deferred(task, *args) -> bool:
    from estatedesk.models import DeferredTask

    return DeferredTask.objects.filter(key=deferred_key(task, *args)).exists()


def requeue_deferred(limit: int = 100) -> int:
    """Queue the deferred tasks again (the frequent sweep, every minute). Each record is claimed
    under a row lock (``skip_locked``: two sweeps never queue one twice) and deleted only once its
    task is queued; while the storage is still down they stay for the next sweep."""
    from django.db import transaction
    from django.utils.module_loading import import_string

    from estatedesk.models import DeferredTask

    queued = 0
    with transaction.atomic():
        for deferred in DeferredTask.objects.select_for_update(skip_locked=True).order_by("pk")[:limit]:
            try:
                import_string(deferred.task)(*deferred.args)
            except STORAGE_ERRORS:
                break  # still down: every record waits for the next sweep
            deferred.delete()
            queued += 1
    return queued
