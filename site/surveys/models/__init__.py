"""Models of surveys: surveys and answers, quarterly visits, targets, reviewed cases."""

from surveys.models.cases import CaseReview
from surveys.models.surveys import (
    LOW_UP_TO,
    SATISFIED_FROM,
    Answer,
    Area,
    Question,
    Response,
    Survey,
)
from surveys.models.targets import DEFAULT_TARGETS, EstateTarget, Figure
from surveys.models.visits import QuarterlyVisit

__all__ = [
    "Answer", "Area", "CaseReview", "DEFAULT_TARGETS", "EstateTarget", "Figure", "LOW_UP_TO", "Question",
    "QuarterlyVisit", "Response", "SATISFIED_FROM", "Survey",
]
