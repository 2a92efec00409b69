"""The scorecard (考核): every figure DOMAIN.md judges the desk by, per estate and per person, for
a month, a quarter or a year, each with its numerator, denominator and target.

Every figure is read from stored data: the tickets' clocks (due times stored at intake, so
today's rules never rewrite the past: ``servicedesk.selectors.kpis``), return-visit scores,
survey answers, quarterly visits, bills and payments (``fees.selectors.collection_rates``) and
event ratings (``bulletin.selectors.events_figures``). The target of a period is the estate's
target row in force (``EstateTarget``); when one changes inside the period, the period is cut at
the change, each part is judged against its own target, and the period's target is the parts'
targets weighted by their denominators (so a quarter spanning a change is judged exactly as the
sum of its parts).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

from bulletin.models import EventPage
from bulletin.selectors import events_figures
from django.contrib.auth import get_user_model
from django.db.models import Count, Q
from fees.selectors import collection_rates
from servicedesk.models import Ticket
from servicedesk.selectors import kpis

from surveys.models import (
    DEFAULT_TARGETS,
    SATISFIED_FROM,
    Answer,
    CaseReview,
    EstateTarget,
    Figure,
    QuarterlyVisit,
    Question,
)
from surveys.periods import Period, _local_midnight

#: Figures given as an average on 1–5 rather than a percentage.
AVERAGES = {Figure.TICKET_SATISFACTION}
#: Figures counted per person too: tickets by handler, surveys by steward, visits by assignee.
PER_PERSON = {
    Figure.REPAIR_TIMELINESS, Figure.COMPLAINT_FEEDBACK, Figure.COMPLAINT_RESULT, Figure.COMPLAINT_RESOLUTION,
    Figure.RETURN_VISIT_RATE, Figure.SUGGESTION_REPLY, Figure.TICKET_SATISFACTION, Figure.SURVEY_SATISFACTION,
    Figure.VISIT_COVERAGE,
}
#: The figures of the manager's workbench tiles.
HEADLINE = [Figure.REPAIR_TIMELINESS, Figure.SURVEY_SATISFACTION, Figure.COLLECTION_RATE,
            Figure.COMPLAINT_RESOLUTION, Figure.SUGGESTION_REPLY]


@dataclass
class Score:
    code: str
    num: Decimal = Decimal(0)
    den: Decimal = Decimal(0)
    #: Σ target × denominator of the parts; / den is the period's target.
    weighted: Decimal = Decimal(0)
    fallback: Decimal | None = None  #: the target when nothing was due

    @property
    def is_average(self) -> bool:
        return self.code in AVERAGES

    @property
    def value(self) -> Decimal | None:
        """The rate in percent (one decimal), or the average score (two decimals)."""
        if not self.den:
            return None
        if self.is_average:
            return (self.num / self.den).quantize(Decimal("0.01"))
        return (self.num * 100 / self.den).quantize(Decimal("0.1"))

    @property
    def target(self) -> Decimal | None:
        if self.den:
            return (self.weighted / self.den).quantize(Decimal("0.01"))
        return self.fallback

    @property
    def met(self) -> bool | None:
        value, target = self.value, self.target
        if value is None or target is None:
            return None
        return value >= target

    def add(self, num, den, target: Decimal) -> None:
        self.num += Decimal(num)
        self.den += Decimal(den)
        self.weighted += target * Decimal(den)

    def merge(self, other: Score) -> None:
        self.num += other.num
        self.den += other.den
        self.weighted += other.weighted
        if self.fallback is None:
            self.fallback = other.fallback

    @property
    def label(self) -> str:
        return str(Figure(self.code).label)

    @property
    def num_display(self) -> str:
        return _plain(self.num)

    @property
    def den_display(self) -> str:
        return _plain(self.den)


def _plain(number: Decimal) -> str:
    return f"{number:.2f}" if number != number.to_integral_value() else f"{int(number)}"


@dataclass
class ScoreRow:
    estate: object | None  #: None: the total of the estates shown
    person: object | None = None
    scores: dict[str, Score] = field(default_factory=lambda: {code: Score(code) for code in Figure.values})

    @property
    def person_name(self) -> str:
        if self.person is None:
            return ""
        # Family name first (DESIGN.md: staff by their Chinese full name).
        return f"{self.person.last_name}{self.person.first_name}" or self.person.get_username()


class Targets:
    """The estates' target rows, read once: the target of a figure on a day."""

    def __init__(self, estate_ids):
        self.rows: dict[tuple, list] = defaultdict(list)
        for row in EstateTarget.objects.filter(estate_id__in=estate_ids).order_by("valid_from"):
            self.rows[(row.estate_id, row.figure)].append((row.valid_from, row.target))

    def on(self, estate_id: int, code: str, day: date) -> Decimal:
        target = DEFAULT_TARGETS[code]
        for valid_from, value in self.rows.get((estate_id, code), []):
            if valid_from <= day:
                target = value
        return target

    def changes(self, start: date, end: date) -> list[date]:
        return sorted({d for rows in self.rows.values() for d, _t in rows if start < d < end})


def _raw(*, user, estate_ids, start: date, end: date, by_person: bool) -> dict[tuple, dict[str, tuple]]:
    """(estate id, person id or None) → figure → (numerator, denominator) for start ≤ day < end."""
    start_at, end_at = _local_midnight(start), _local_midnight(end)
    out: dict[tuple, dict[str, tuple]] = defaultdict(dict)
    tickets = Ticket.objects.filter(estate_id__in=estate_ids)
    for row in kpis(tickets=tickets, start=start_at, end=end_at, by_handler=by_person):
        key = (row.estate.pk, row.handler.pk if by_person and row.handler else None)
        for code, ratio in row.figures.items():
            out[key][code] = (ratio.num, ratio.den)
        out[key][Figure.TICKET_SATISFACTION] = (row.satisfaction_sum, row.satisfaction_count)
    answers = (
        Answer.objects.filter(question__kind=Question.Kind.RATING, rating__isnull=False,
                              response__survey__estate_id__in=estate_ids,
                              response__submitted_at__gte=start_at, response__submitted_at__lt=end_at)
        .values("response__survey__estate_id", *(["response__household__steward_id"] if by_person else []))
        .annotate(n=Count("pk"), good=Count("pk", filter=Q(rating__gte=SATISFIED_FROM)))
    )
    for a in answers:
        key = (a["response__survey__estate_id"], a.get("response__household__steward_id"))
        out[key][Figure.SURVEY_SATISFACTION] = (a["good"], a["n"])
    visits = (
        QuarterlyVisit.objects.filter(estate_id__in=estate_ids, quarter__gte=start, quarter__lt=end)
        .values("estate_id", *(["assignee_id"] if by_person else []), "due_on", "visited_at")
    )
    tally: dict[tuple, list[int]] = defaultdict(lambda: [0, 0])
    for v in visits:
        key = (v["estate_id"], v.get("assignee_id"))
        in_time = v["visited_at"] is not None and v["visited_at"] < _local_midnight(v["due_on"] + timedelta(days=1))
        tally[key][0] += int(in_time)
        tally[key][1] += 1
    for key, (num, den) in tally.items():
        out[key][Figure.VISIT_COVERAGE] = (num, den)
    if by_person:
        return out  # fees and events are counted per estate only
    billed: dict[int, list[Decimal]] = defaultdict(lambda: [Decimal(0), Decimal(0)])
    for row in collection_rates(user=user, start=start, end=end):
        if row["estate_id"] in estate_ids:
            billed[row["estate_id"]][0] += row["paid"]
            billed[row["estate_id"]][1] += row["billed"]
    for estate_id, (paid, total) in billed.items():
        out[(estate_id, None)][Figure.COLLECTION_RATE] = (paid, total)
    events = EventPage.objects.live().filter(estate_id__in=estate_ids, starts_at__gte=start_at, starts_at__lt=end_at)
    for estate_id in set(events.values_list("estate_id", flat=True)):
        figures = events_figures(events=events.filter(estate_id=estate_id))
        out[(estate_id, None)][Figure.EVENT_SATISFACTION] = (figures.satisfied, figures.ratings)
        out[(estate_id, None)][Figure.EVENT_RETURN_VISITS] = (figures.return_visits, figures.participants)
    return out


def scorecard(*, user, estates, period: Period, by_person: bool = False) -> list[ScoreRow]:
    """One row per estate (and person, with ``by_person``), ordered by estate code then name."""
    estates = {e.pk: e for e in estates}
    targets = Targets(estates.keys())
    cuts = [period.start, *targets.changes(period.start, period.end), period.end]
    rows: dict[tuple, ScoreRow] = {}
    last_day = period.end - timedelta(days=1)
    if not by_person:
        for pk, estate in estates.items():
            rows[(pk, None)] = ScoreRow(estate=estate)
    for part_start, part_end in zip(cuts, cuts[1:], strict=False):
        raw = _raw(user=user, estate_ids=set(estates), start=part_start, end=part_end, by_person=by_person)
        for (estate_id, person_id), figures in raw.items():
            if by_person and person_id is None:
                continue
            row = rows.setdefault((estate_id, person_id), ScoreRow(estate=estates[estate_id]))
            row.person = person_id
            for code, (num, den) in figures.items():
                row.scores[code].add(num, den, targets.on(estate_id, code, part_start))
    for (estate_id, _person), row in rows.items():
        for code, score in row.scores.items():
            score.fallback = targets.on(estate_id, code, last_day)
    if by_person:
        ids = {row.person for row in rows.values()}
        people = {u.pk: u for u in get_user_model().objects.filter(pk__in=ids)}
        for row in rows.values():
            row.person = people.get(row.person)
            for code in list(row.scores):
                if code not in PER_PERSON:
                    del row.scores[code]
    return sorted(rows.values(), key=lambda r: (r.estate.code, r.person_name))


def total(rows: list[ScoreRow]) -> ScoreRow:
    """The estates' figures added up (numerators and denominators, targets weighted)."""
    result = ScoreRow(estate=None)
    for row in rows:
        for code, score in row.scores.items():
            result.scores[code].merge(score)
    return result


def trend(*, user, estates, period: Period, count: int = 12) -> list[tuple[Period, ScoreRow]]:
    """The estates' total for each of the ``count`` periods ending with ``period``."""
    return [(p, total(scorecard(user=user, estates=estates, period=p))) for p in period.last(count)]


def top_causes(*, estates, period: Period, limit: int = 5) -> list[dict]:
    """The period's most frequent causes among reviewed complaints closed in it."""
    rows = (
        CaseReview.objects.filter(estate__in=list(estates), ticket__closed_at__gte=period.start_at,
                                  ticket__closed_at__lt=period.end_at)
        .values("cause").annotate(n=Count("pk")).order_by("-n", "cause")[:limit]
    )
    labels = dict(CaseReview.Cause.choices)
    return [{"cause": r["cause"], "label": labels.get(r["cause"], r["cause"]), "count": r["n"]} for r in rows]
