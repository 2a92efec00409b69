"""Huey: overdue loans are chased and stale approvals lapse on their own (level-triggered,
idempotent; see services)."""

from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from lending.services import loans_chase_overdue, loans_lapse_approvals


@db_periodic_task(crontab(minute="5"))
def chase_overdue_loans():
    """Every hour: remind overdue borrowers (once a day each), tell supervisors, escalate."""
    return loans_chase_overdue()


@db_periodic_task(crontab(minute="35"))
def lapse_stale_approvals():
    """Every hour: approvals not handed out within LENDING_APPROVAL_LAPSE_HOURS lapse."""
    return loans_lapse_approvals()
