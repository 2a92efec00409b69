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

from huey import RedisHuey, SqliteHuey

TICK_KEY = "periodic-tick:{}"


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


class EstatedeskRedisHuey(SingleSchedulerMixin, RedisHuey):
    pass


class EstatedeskSqliteHuey(SingleSchedulerMixin, SqliteHuey):
    pass
