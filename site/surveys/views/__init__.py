"""Views of surveys: public (the owner's link) and admin (surveys, visits, cases, scorecard)."""

from surveys.views.admin import (
    answer_followup_view,
    survey_enter_view,
    survey_invite_view,
    survey_results_view,
)
from surveys.views.cases import case_review_view, cases_view
from surveys.views.public import answer_view
from surveys.views.scorecard import scorecard_view
from surveys.views.visits import visit_record_view, visits_progress_view, visits_view

__all__ = [
    "answer_followup_view", "answer_view", "case_review_view", "cases_view", "scorecard_view",
    "survey_enter_view", "survey_invite_view", "survey_results_view", "visit_record_view",
    "visits_progress_view", "visits_view",
]
