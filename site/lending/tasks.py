"""Huey: overdue loans are chased on their own (level-triggered, idempotent; see services)."""

from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from lending.services import loans_chase_overdue


@db_periodic_task(crontab(minute="5"))
def chase_overdue_loans():
    """Every hour: remind overdue borrowers (once a day each), tell supervisors, escalate."""
    return loans_chase_overdue()
