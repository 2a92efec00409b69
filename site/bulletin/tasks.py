from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from bulletin.services import bulletin_run_schedule


@db_periodic_task(crontab(minute="*"))
def bulletin_schedule():
    """Every minute, level-triggered: scheduled go-live and expiry happen on time, and cached
    pages that showed them are invalidated. A missed minute is made up by the next one."""
    return bulletin_run_schedule()
