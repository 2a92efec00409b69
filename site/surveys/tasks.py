"""Huey tasks of surveys: the invitations of a survey, and the quarter's visit plan.

The plan is level-triggered and idempotent (one visit per household and quarter, enforced by the
database), so it runs from the daily crontab *and* from the frequent sweep (estatedesk.sweeps)
while the quarter's plan is missing: a lost run at 00:05 on the 1st is made up within minutes.
"""

from __future__ import annotations

from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task

from surveys import services
from surveys.models import Survey


@db_task()
def send_survey_invitations(survey_id: int) -> int:
    survey = Survey.objects.select_related("estate").filter(pk=survey_id).first()
    return services.survey_invite(survey=survey) if survey is not None else 0


@db_periodic_task(crontab(minute="5", hour="0", day="1", month="1,4,7,10"))
def plan_quarterly_visits() -> int:
    return services.visits_plan()
