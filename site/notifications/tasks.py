from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from notifications.services import retry_unsent


@db_periodic_task(crontab(minute="*/10"))
def retry_unsent_messages():
    """Level-triggered: every ten minutes, whatever failed or was never sent is tried again."""
    return retry_unsent()
