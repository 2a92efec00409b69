"""Huey: the project's own periodic bookkeeping."""

from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from estatedesk.cache import apply_pending_invalidations
from estatedesk.sweeps import run_frequent_sweep


@db_periodic_task(crontab(minute="*"))
def apply_cache_invalidations():
    """Every minute: invalidations recorded while the cache was unreachable are applied once
    it answers again (also done by the first cache call that notices the recovery)."""
    return apply_pending_invalidations()


@db_periodic_task(crontab(minute="*"))
def frequent_sweep():
    """Every minute: pending messages, reminders and escalations, and the day's fees sweep once
    its hour has passed (see estatedesk.sweeps)."""
    return run_frequent_sweep()
