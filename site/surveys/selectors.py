"""Reads of surveys: a survey's results, the visits' progress, what a user may see."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, Q, QuerySet
from django.utils import timezone
from estates.scoping import scope_queryset

from surveys.models import SATISFIED_FROM, Answer, Area, QuarterlyVisit, Question, Survey
from surveys.services import invitation_households


@dataclass
class Satisfaction:
    label: str
    good: int = 0
    answers: int = 0

    @property
    def rate(self) -> Decimal | None:
        return (Decimal(self.good) * 100 / self.answers).quantize(Decimal("0.1")) if self.answers else None


def _name(user) -> str:
    """Staff are shown by their Chinese full name, family name first (DESIGN.md)."""
    return (f"{user.last_name}{user.first_name}" or user.get_username()) if user else ""


def survey_results(*, survey: Survey) -> dict:
    """Response rate; satisfaction (answers of 4–5 over all answers) overall, per area, per
    building, per steward, each against the survey's target; free text; the low answers."""
    households = invitation_households(survey).count()
    responses = survey.responses.count()
    ratings = (
        Answer.objects.filter(response__survey=survey, question__kind=Question.Kind.RATING, rating__isnull=False)
        .select_related("response__household__house__building", "response__household__steward", "question")
    )
    overall = Satisfaction(label="")
    groups: dict[str, dict] = {"area": {}, "building": {}, "steward": {}}
    areas = dict(Area.choices)
    for answer in ratings:
        good = int(answer.rating >= SATISFIED_FROM)
        household = answer.response.household
        keys = {
            "area": (answer.question.area, str(areas.get(answer.question.area, answer.question.area))),
            "building": (household.house.building_id, household.house.building.name),
            "steward": (household.steward_id, _name(household.steward) or "—"),
        }
        overall.good += good
        overall.answers += 1
        for group, (key, label) in keys.items():
            item = groups[group].setdefault(key, Satisfaction(label=label))
            item.good += good
            item.answers += 1
    texts = (
        Answer.objects.filter(response__survey=survey, question__kind=Question.Kind.TEXT).exclude(text="")
        .select_related("question", "response__household__house__building").order_by("-response__updated_at")
    )
    low = (
        Answer.objects.filter(response__survey=survey, rating__lte=2)
        .select_related("question", "response__household__house__building", "ticket", "visit")
        .order_by("rating", "pk")
    )
    return {
        "households": households, "responses": responses,
        "response_rate": (Decimal(responses) * 100 / households).quantize(Decimal("0.1")) if households else None,
        "overall": overall, "target": survey.target,
        "per_area": sorted(groups["area"].values(), key=lambda s: s.label),
        "per_building": sorted(groups["building"].values(), key=lambda s: s.label),
        "per_steward": sorted(groups["steward"].values(), key=lambda s: s.label),
        "texts": list(texts), "low": list(low),
    }


def results_table(*, survey: Survey, results: dict) -> tuple[list[str], list[list]]:
    """The export: one line per group (area, building, steward), then the free-text answers."""
    from django.utils.translation import gettext as _

    header = [_("Group"), _("Name"), _("Satisfied answers"), _("Answers"), _("Satisfaction (%)"), _("Target (%)")]
    rows: list[list] = [[_("Overall"), survey.title, results["overall"].good, results["overall"].answers,
                         results["overall"].rate, survey.target]]
    for group, title in (("per_area", _("Service area")), ("per_building", _("Building")), ("per_steward", _("Steward"))):
        for item in results[group]:
            rows.append([title, item.label, item.good, item.answers, item.rate, survey.target])
    for answer in results["texts"]:
        rows.append([_("Free text"), str(answer.response.household.house), "", "", answer.text, ""])
    return header, rows


# --- quarterly visits -------------------------------------------------------------------------
def visible_visits(user) -> QuerySet:
    return scope_queryset(QuarterlyVisit.objects.all(), user)


@dataclass
class Progress:
    label: str
    done: int = 0
    due: int = 0
    overdue: int = 0

    @property
    def total(self) -> int:
        return self.done + self.due + self.overdue

    @property
    def coverage(self) -> Decimal | None:
        return (Decimal(self.done) * 100 / self.total).quantize(Decimal("0.1")) if self.total else None


def visits_progress(visits: QuerySet, *, today=None) -> dict[str, list[Progress]]:
    """Done / due / overdue per estate and per assignee (one query each)."""
    today = today or timezone.localdate()
    counts = dict(
        done=Count("pk", filter=Q(visited_at__isnull=False)),
        due=Count("pk", filter=Q(visited_at__isnull=True, due_on__gte=today)),
        overdue=Count("pk", filter=Q(visited_at__isnull=True, due_on__lt=today)),
    )
    result: dict[str, list[Progress]] = defaultdict(list)
    for row in visits.values("estate__name").annotate(**counts).order_by("estate__name"):
        result["estates"].append(Progress(row["estate__name"], row["done"], row["due"], row["overdue"]))
    for row in visits.values("assignee__last_name", "assignee__first_name", "assignee__username").annotate(**counts).order_by(
            "assignee__last_name", "assignee__first_name"):
        name = f"{row['assignee__last_name'] or ''}{row['assignee__first_name'] or ''}" or row["assignee__username"] or "—"
        result["people"].append(Progress(name, row["done"], row["due"], row["overdue"]))
    return result


def open_surveys_for(household, *, now=None) -> list[dict]:
    """The surveys a household may answer now, each with its personal link (the owner portal's
    home and API list them): title, link, closing time and whether the household has answered."""
    from django.urls import reverse

    from surveys.models import Response
    from surveys.tokens import make_token

    now = now or timezone.now()
    surveys = Survey.objects.filter(
        estate_id=household.house.building.estate_id, opens_on__lte=timezone.localdate(now), closes_at__gt=now
    ).order_by("closes_at", "pk")
    answered = set(Response.objects.filter(household=household, survey__in=surveys).values_list("survey_id", flat=True))
    return [
        {"id": s.pk, "title": s.title, "closes_at": s.closes_at, "answered": s.pk in answered,
         "url": reverse("surveys_answer", args=[make_token(survey=s, household=household)])}
        for s in surveys
    ]
