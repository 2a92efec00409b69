"""Every write of surveys (see docs/surveys.md); re-exported so ``from surveys.services import x`` works."""

from surveys.services.cases import case_review_save
from surveys.services.surveys import (
    answer_open_complaint,
    answer_plan_visit,
    invitation_households,
    response_save,
    survey_invite,
    survey_link,
)
from surveys.services.visits import (
    estate_clerks,
    visit_record,
    visits_plan,
    visits_plan_due,
    visits_plan_sweep,
)

__all__ = [
    "answer_open_complaint", "answer_plan_visit", "case_review_save", "estate_clerks", "invitation_households",
    "response_save", "survey_invite", "survey_link", "visit_record", "visits_plan", "visits_plan_due", "visits_plan_sweep",
]
