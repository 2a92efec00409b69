"""The frequent sweep: nothing waits for tomorrow.

Huey drops a task whose worker was killed. Every sweep is level-triggered (it asks the database
what is due), so the next run picks up what a killed one left; the question is only *when*. The
frequent sweep runs every minute (``estatedesk.tasks``) and a manager can run it now from the
admin. It:
- retries messages that failed or were recorded but never claimed, and marks those claimed by a
  worker that died as uncertain (notifications.services.retry_unsent);
- sends the pending automatic chasing steps of the fees (fees.services.steps_deliver);
- escalates the service clocks that are due (servicedesk.services.escalate_due_clocks) and tells
  the owner of a repair that runs late, with the new expected time (notify_owners_of_late_repairs);
- queues again the tasks a request could not queue while Redis was down (estatedesk.queue);
- plans the quarter's return visits while an occupied household has none (surveys.services):
  the 1st's planned run that was lost is made up within minutes;
- runs the day's fees sweep (bills of the month if the 1st's run was lost, reminders due) once
  its time (``FEES_DAILY_SWEEP_HOUR``, 09:00 in the estate's local time) has passed and no run
  finished today: a daily run killed at 09:00 is made up within minutes, not the next morning.
Every run is kept as a ``SweepRun`` with its figures (the admin shows the latest).
"""

from __future__ import annotations

import datetime as dt
import logging

from django.conf import settings
from django.utils import timezone

from estatedesk.models import SweepRun
from estatedesk.queue import requeue_deferred

logger = logging.getLogger(__name__)

FREQUENT = "frequent"
FEES_DAILY = "fees-daily"
#: Frequent runs that did nothing are kept this long (those that did something, longer).
KEEP_IDLE_RUNS = dt.timedelta(days=2)
KEEP_RUNS = dt.timedelta(days=90)
#: A daily run not finished after this long is taken as killed and run again.
DAILY_RUN_PRESUMED_DEAD = dt.timedelta(minutes=10)


def fees_daily_due(now: dt.datetime | None = None) -> bool:
    """The day's fees sweep is due: its local time has passed and no run finished today."""
    local = timezone.localtime(now or timezone.now())
    if local.time() < dt.time(settings.FEES_DAILY_SWEEP_HOUR, 0):
        return False
    today = SweepRun.objects.filter(name=FEES_DAILY, local_date=local.date())
    if today.filter(finished_at__isnull=False).exists():
        return False
    # One still running (started recently) is left alone; one started long ago was killed.
    running_since = timezone.now() - DAILY_RUN_PRESUMED_DEAD
    return not today.filter(finished_at__isnull=True, started_at__gte=running_since).exists()


def run_fees_daily(*, by=None) -> dict:
    from fees.tasks import sweep_all

    run = SweepRun.objects.create(name=FEES_DAILY, local_date=timezone.localdate(), started_by=by)
    result = sweep_all()
    SweepRun.objects.filter(pk=run.pk).update(finished_at=timezone.now(), result=result)
    return result


def run_frequent_sweep(*, by=None, fees_daily: bool | None = None) -> dict:
    """One frequent sweep; ``fees_daily`` forces (True) or skips (False) the day's fees sweep,
    by default it runs when due. Returns the figures, also kept on the run's record."""
    from fees.models import AUTOMATIC_STEPS, ChasingStep
    from fees.services import steps_deliver
    from notifications.models import Message
    from notifications.services import retry_unsent
    from servicedesk.services import escalate_due_clocks, notify_owners_of_late_repairs
    from surveys.services import visits_plan_sweep

    run = SweepRun.objects.create(name=FREQUENT, local_date=timezone.localdate(), started_by=by)
    result = {"messages_retried": retry_unsent()}
    result["messages_uncertain"] = Message.objects.filter(status=Message.Status.UNCERTAIN).count()
    if fees_daily or (fees_daily is None and fees_daily_due()):
        daily = run_fees_daily(by=by)
        result["fees_daily"] = True
        result["bills_issued"] = daily["bills"]
        result["reminders_recorded"] = daily["reminders"]
        result["reminders_sent"] = daily["sent"]
    else:
        result["fees_daily"] = False
        result["reminders_sent"] = steps_deliver().sent
    result["reminders_pending"] = ChasingStep.objects.filter(
        status=ChasingStep.Status.PENDING, step__in=AUTOMATIC_STEPS
    ).count()
    result["escalations_sent"] = escalate_due_clocks()
    # DOMAIN.md "if late, the owner is told": once per ticket and clock (notify's key).
    result["owners_told_late"] = notify_owners_of_late_repairs()
    result["tasks_requeued"] = requeue_deferred()
    result["visits_planned"] = visits_plan_sweep(by=by)
    SweepRun.objects.filter(pk=run.pk).update(finished_at=timezone.now(), result=result)
    _prune()
    if by is not None or any(v for k, v in result.items() if k not in ("reminders_pending", "messages_uncertain")):
        logger.info("sweep: %s", result)
    return result


def _prune() -> None:
    now = timezone.now()
    idle = SweepRun.objects.filter(name=FREQUENT, started_by__isnull=True, started_at__lt=now - KEEP_IDLE_RUNS)
    idle.filter(result__messages_retried=0, result__reminders_sent=0, result__escalations_sent=0).delete()
    SweepRun.objects.filter(started_at__lt=now - KEEP_RUNS).delete()
