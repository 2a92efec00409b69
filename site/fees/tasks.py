"""Huey tasks of the fees app. Level-triggered: each run asks the database what is due.

- ``issue_monthly_bills``: on the 1st of each month, every estate's bills for the month (a
  second run adds nothing); the daily sweep also issues them if that run was lost. The month's
  notices are then sent by ``deliver_steps`` tasks, one per chunk of steps.
- ``watch_list_sweep``: every half hour, tell the desk when a watched house has a new owner
  (fees.watch; the daily sweep runs it too).
- ``sweep_all``: every morning (09:00 local), refresh the arrears cases, record the reminders due
  and send what is recorded but not sent yet (including what a killed run left behind). It is run
  by the frequent sweep of ``estatedesk.sweeps`` once its hour has passed and no run finished
  today, so a killed run is made up within minutes.
"""

import logging

from django.utils import timezone
from estatedesk.queue import DEFER, enqueue
from estates.models import Estate
from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task

from fees import services, watch
from fees.models import FeeRun

logger = logging.getLogger(__name__)


#: Steps per delivery task: a month's notices of a large estate are spread over many tasks.
DELIVERY_CHUNK = 2000


def issue_bills_for(estate_id: int, period_iso: str | None = None) -> int:
    import datetime as dt

    period = dt.date.fromisoformat(period_iso) if period_iso else timezone.localdate()
    estate = Estate.objects.get(pk=estate_id)
    created = services.bills_issue(estate=estate, period=period)
    deliver_in_chunks(estate_id)
    return created


def deliver_in_chunks(estate_id: int) -> int:
    """Queue the estate's pending notices and reminders as ``deliver_steps`` tasks of
    ``DELIVERY_CHUNK`` steps each, which any worker may take; returns the number of chunks."""
    ids = services.pending_step_ids(estate=Estate.objects.get(pk=estate_id))
    chunks = [ids[start:start + DELIVERY_CHUNK] for start in range(0, len(ids), DELIVERY_CHUNK)]
    for chunk in chunks:
        enqueue(deliver_steps, chunk, fallback=DEFER)
    return len(chunks)


@db_task()
def deliver_steps(step_ids: list[int]) -> int:
    """Send one chunk of recorded steps. Idempotent: a step already sent is skipped, and each
    message's key is sent once however often the chunk runs (notifications.notify_many)."""
    return services.steps_deliver(ids=step_ids).sent


@db_task()
def issue_bills(estate_id: int, period_iso: str | None = None) -> int:
    """On demand (the "issue this month's bills" button)."""
    return issue_bills_for(estate_id, period_iso)


@db_periodic_task(crontab(day="1", hour="1", minute="0"))
def issue_monthly_bills() -> int:
    return sum(issue_bills_for(estate_id) for estate_id in Estate.objects.values_list("pk", flat=True))


def sweep_all(today=None) -> dict:
    today = today or timezone.localdate()
    period = services.month_start(today)
    totals = {"bills": 0, "reminders": 0, "sent": 0}
    for estate in Estate.objects.all():
        # Catch up a monthly run that was lost (the worker was down on the 1st).
        if not FeeRun.objects.filter(estate=estate, period=period, bills_issued_at__isnull=False).exists():
            totals["bills"] += services.bills_issue(estate=estate, period=period)
        result = services.arrears_sweep(estate=estate, today=today)
        totals["reminders"] += result.reminders_recorded
        totals["sent"] += services.steps_deliver(estate=estate).sent
        watch.watch_sweep(estate=estate)
    logger.info("fees sweep %s: %s", today, totals)
    return totals


@db_task()
def daily_arrears_sweep() -> dict:
    """The day's sweep on demand, recorded as the day's run (see estatedesk.sweeps)."""
    from estatedesk.sweeps import run_fees_daily

    return run_fees_daily()


@db_periodic_task(crontab(minute="*/30"))
def watch_list_sweep() -> int:
    """A sale or transfer of a watched house reaches the desk within half an hour, once."""
    return sum(watch.watch_sweep(estate=estate).changed for estate in Estate.objects.all())
