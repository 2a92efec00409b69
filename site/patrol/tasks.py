"""Huey: create the due patrol rounds, mark missed ones, escalate late hazards."""

from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from patrol.hazards import escalate_late_hazards
from patrol.services import rounds_sweep


@db_periodic_task(crontab(minute="*/10"))
def patrol_rounds_sweep():
    """Level-triggered, every ten minutes: create the rounds due up to today (making up days a
    dead worker lost) and mark missed the ones whose window has closed. Idempotent."""
    return rounds_sweep()


@db_periodic_task(crontab(minute="*/15"))
def patrol_escalate_hazards():
    """Level-triggered: every open hazard past its deadline is escalated, each level once."""
    return escalate_late_hazards()
