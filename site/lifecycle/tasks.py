"""Huey: the move-in packs go out before the appointments."""

from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from lifecycle.services import movein_packs_due


@db_periodic_task(crontab(minute="5", hour="*"))
def lifecycle_movein_packs():
    """Hourly, level-triggered: every booked owner within the days before gets the pack once."""
    return movein_packs_due()
