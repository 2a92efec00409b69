"""The cache is an optimisation, never a dependency.

``FaultTolerantRedisCache`` and ``FaultTolerantFileBasedCache`` are Django's own backends with
every call guarded: when Redis (or the cache folder) fails, a read is a miss, a write is a no-op,
the failure is logged once, and for ``RETRY_AFTER`` seconds the cache is not even tried (a
circuit breaker, so a dead Redis does not cost a connection attempt per call). Pages, the API,
forms, publishing and the admin then work from the database, slower.

What must not be lost while the cache is away is *invalidation*: a notice published while Redis
was unreachable must not leave the old page in the cache when Redis comes back. Code that
invalidates does so through ``invalidate(name)``: when the cache cannot be reached, the
invalidation is recorded in the database (``PendingCacheInvalidation``) and applied when the cache
answers again (first call after the breaker closes in any process, and the every-minute sweep).
"""

from __future__ import annotations

import contextvars
import logging
import threading
import time
from collections.abc import Callable
from contextlib import contextmanager

from django.core.cache.backends.filebased import FileBasedCache
from django.core.cache.backends.redis import RedisCache

logger = logging.getLogger(__name__)

#: Seconds during which a failed cache is not tried again.
RETRY_AFTER = 5.0


class CacheUnavailable(Exception):
    """Raised instead of swallowing a failure, inside ``strict()`` only."""


_strict = contextvars.ContextVar("estatedesk_cache_strict", default=False)


@contextmanager
def strict():
    """Within this block, a guarded cache raises ``CacheUnavailable`` instead of degrading."""
    token = _strict.set(True)
    try:
        yield
    finally:
        _strict.reset(token)


# --- Invalidations that must survive a cache outage ----------------------------------------
_invalidators: dict[str, Callable[[], None]] = {}


def register_invalidator(name: str, function: Callable[[], None]) -> None:
    """``function`` invalidates a family of entries; it may raise when the cache is away."""
    _invalidators[name] = function


def invalidate(name: str) -> bool:
    """Run the named invalidation now; when the cache cannot be reached, record it for later.
    Returns True when it was applied."""
    try:
        with strict():
            _invalidators[name]()
        return True
    except CacheUnavailable:
        _record_pending(name)
        return False


def _record_pending(name: str) -> None:
    from estatedesk.models import PendingCacheInvalidation

    try:
        PendingCacheInvalidation.objects.get_or_create(name=name)
        logger.warning("cache unavailable: invalidation %r recorded, applied when it is back", name)
    except Exception:  # the database failing too: nothing more this process can do
        logger.exception("cache unavailable and invalidation %r could not be recorded", name)


def apply_pending_invalidations() -> int:
    """Apply what was recorded during an outage; returns how many were applied."""
    from estatedesk.models import PendingCacheInvalidation

    applied = 0
    for pending in PendingCacheInvalidation.objects.all():
        function = _invalidators.get(pending.name)
        try:
            if function is not None:
                with strict():
                    function()
        except CacheUnavailable:
            return applied
        # Deleted by pk and creation time: one recorded meanwhile again is kept for next time.
        PendingCacheInvalidation.objects.filter(pk=pending.pk, created_at=pending.created_at).delete()
        applied += 1
    if applied:
        logger.info("cache back: %d pending invalidation(s) applied", applied)
    return applied


# --- The guarded backends ------------------------------------------------------------------
_MISSING = object()


class FaultTolerantMixin:
    #: Exceptions that mean "the cache is unavailable" (not a programming error).
    fault_errors: tuple[type[BaseException], ...] = (OSError,)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._down_until = 0.0
        self._degraded = False
        self._state_lock = threading.Lock()

    # Circuit breaker ------------------------------------------------------------------------
    def _failed(self, operation: str, exc: BaseException) -> None:
        with self._state_lock:
            first = not self._degraded
            self._degraded = True
            self._down_until = time.monotonic() + RETRY_AFTER
        if first:
            logger.warning("cache unavailable (%s: %s); serving from the database", operation, exc)

    def _recovered(self) -> None:
        with self._state_lock:
            if not self._degraded:
                return
            self._degraded = False
        logger.warning("cache available again")
        try:
            apply_pending_invalidations()
        except Exception:  # never let recovery bookkeeping break the request that noticed
            logger.exception("could not apply pending cache invalidations")

    def _guard(self, operation: str, default, *args, **kwargs):
        if self._degraded and time.monotonic() < self._down_until:
            if _strict.get():
                raise CacheUnavailable(operation)
            return default
        try:
            result = getattr(super(), operation)(*args, **kwargs)
        except self.fault_errors as exc:
            self._failed(operation, exc)
            if _strict.get():
                raise CacheUnavailable(operation) from exc
            return default
        if self._degraded:
            self._recovered()
            if operation in ("get", "get_many"):
                # Entries read in the instant the cache came back may predate an invalidation
                # recorded during the outage, which was just applied: read again.
                result = getattr(super(), operation)(*args, **kwargs)
        return result

    def is_degraded(self) -> bool:
        return self._degraded

    # Django's cache API --------------------------------------------------------------------
    def get(self, key, default=None, version=None):
        return self._guard("get", default, key, default, version=version)

    def get_many(self, keys, version=None):
        return self._guard("get_many", {}, keys, version=version)

    def has_key(self, key, version=None):
        return self._guard("has_key", False, key, version=version)

    def set(self, key, value, timeout=_MISSING, version=None):
        kwargs = {"version": version} if timeout is _MISSING else {"timeout": timeout, "version": version}
        return self._guard("set", None, key, value, **kwargs)

    def add(self, key, value, timeout=_MISSING, version=None):
        kwargs = {"version": version} if timeout is _MISSING else {"timeout": timeout, "version": version}
        return self._guard("add", False, key, value, **kwargs)

    def set_many(self, data, timeout=_MISSING, version=None):
        kwargs = {"version": version} if timeout is _MISSING else {"timeout": timeout, "version": version}
        return self._guard("set_many", list(data), data, **kwargs)

    def touch(self, key, timeout=_MISSING, version=None):
        kwargs = {"version": version} if timeout is _MISSING else {"timeout": timeout, "version": version}
        return self._guard("touch", False, key, **kwargs)

    def delete(self, key, version=None):
        return self._guard("delete", False, key, version=version)

    def delete_many(self, keys, version=None):
        return self._guard("delete_many", None, keys, version=version)

    def incr(self, key, delta=1, version=None):
        # Unavailable: count as a first hit (a counter that cannot be kept must not block).
        return self._guard("incr", delta, key, delta, version=version)

    def decr(self, key, delta=1, version=None):
        return self._guard("decr", 0, key, delta, version=version)

    def clear(self):
        return self._guard("clear", None)

    def ping(self) -> None:
        """A real round trip that raises when the cache is unavailable (for /healthz)."""
        key = "estatedesk:healthz"
        super().set(key, 1, timeout=10)
        super().get(key)


def _redis_errors() -> tuple[type[BaseException], ...]:
    from redis.exceptions import RedisError

    return (RedisError, OSError)


class FaultTolerantRedisCache(FaultTolerantMixin, RedisCache):
    fault_errors = _redis_errors()


class FaultTolerantFileBasedCache(FaultTolerantMixin, FileBasedCache):
    fault_errors = (OSError, EOFError)
