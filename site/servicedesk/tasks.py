"""Huey: the escalation sweep of the service clocks."""

from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from servicedesk.services import escalate_due_clocks


@db_periodic_task(crontab(minute="*/5"))
def escalate_service_clocks():
    """Level-triggered, every five minutes: warn the handler, then the supervisor, then the
    estate manager about every clock near or past its deadline; each level once per clock."""
    return escalate_due_clocks()
