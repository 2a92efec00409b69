"""Reads of patrol: today's rounds of a patroller and the patrol report."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from estates.scoping import scope_queryset

from patrol import schedule, services
from patrol.models import Checkpoint, Hazard, PatrolRound, RoundVisit


def rounds_to_walk(user, *, now: datetime | None = None) -> list[PatrolRound]:
    """Today's rounds (and yesterday's night rounds still open) that ``user`` may walk."""
    now = now or timezone.now()
    today = timezone.localtime(now, schedule.local_zone()).date()
    candidates = scope_queryset(PatrolRound.objects.all(), user).filter(
        Q(date=today) | Q(status=PatrolRound.Status.IN_PROGRESS) | Q(status=PatrolRound.Status.DUE, window_end__gt=now),
        date__gte=today - timedelta(days=1),
    ).select_related("plan", "estate").order_by("window_start", "pk")
    return [r for r in candidates if services.may_walk(user, r)]


def period_bounds(start: date, end: date) -> tuple[datetime, datetime]:
    zone = schedule.local_zone()
    return datetime.combine(start, time.min, tzinfo=zone), datetime.combine(end + timedelta(days=1), time.min, tzinfo=zone)


@dataclass
class HazardRow:
    department: str
    severity: str
    found: int = 0
    rectified: int = 0
    overdue: int = 0


@dataclass
class PatrolReport:
    start: date
    end: date
    planned: int = 0
    done: int = 0
    late: int = 0
    missed: int = 0
    open: int = 0
    never_visited: list = field(default_factory=list)
    hazard_rows: list[HazardRow] = field(default_factory=list)
    hazards_found: int = 0
    hazards_rectified: int = 0
    hazards_overdue: int = 0
    average_rectification_hours: float | None = None


def patrol_report(*, rounds: QuerySet, hazards: QuerySet, checkpoints: QuerySet, start: date, end: date,
                  now: datetime | None = None) -> PatrolReport:
    """The figures of a period (local dates, both included), from querysets already scoped to
    the user and filtered to the estate.

    Rounds: planned (created for a day of the period), done, late (done after the window closed),
    missed, still open. Hazards: those reported in the period, rectified (rectified or verified),
    overdue (rectified after the deadline, or still open past it), by department and severity.
    """
    now = now or timezone.now()
    report = PatrolReport(start=start, end=end)
    period_rounds = list(rounds.filter(date__gte=start, date__lte=end).only("status", "finished_at", "window_end"))
    report.planned = len(period_rounds)
    for r in period_rounds:
        if r.status == PatrolRound.Status.DONE:
            report.done += 1
            report.late += r.late
        elif r.status == PatrolRound.Status.MISSED:
            report.missed += 1
        else:
            report.open += 1
    visited = RoundVisit.objects.filter(round__in=rounds.filter(date__gte=start, date__lte=end)).values("checkpoint_id")
    report.never_visited = list(checkpoints.filter(active=True).exclude(pk__in=visited).order_by("name"))

    begin, finish = period_bounds(start, end)
    found = hazards.filter(reported_at__gte=begin, reported_at__lt=finish)
    rows: dict[tuple[str, str], HazardRow] = {}
    durations = []
    for hazard in found.only("department", "severity", "status", "deadline", "rectified_at", "reported_at"):
        row = rows.setdefault((hazard.department, hazard.severity), HazardRow(hazard.department, hazard.severity))
        row.found += 1
        if hazard.status in (Hazard.Status.RECTIFIED, Hazard.Status.VERIFIED):
            row.rectified += 1
            durations.append((hazard.rectified_at - hazard.reported_at).total_seconds() / 3600)
        if (hazard.rectified_at or now) > hazard.deadline:
            row.overdue += 1
    departments = {value: i for i, value in enumerate(["", *Hazard.Department.values])}
    severities = {value: i for i, value in enumerate(reversed(Hazard.Severity.values))}
    report.hazard_rows = sorted(rows.values(), key=lambda r: (departments.get(r.department, 99), severities[r.severity]))
    report.hazards_found = sum(r.found for r in rows.values())
    report.hazards_rectified = sum(r.rectified for r in rows.values())
    report.hazards_overdue = sum(r.overdue for r in rows.values())
    if durations:
        report.average_rectification_hours = round(sum(durations) / len(durations), 1)
    return report


def department_label(value: str) -> str:
    return Hazard.Department(value).label if value else _("not assigned yet")


def report_table(report: PatrolReport) -> tuple[list[str], list[list]]:
    """The report as one sheet (long format): figure, department, severity, value."""
    header = [_("Figure"), _("Department"), _("Severity"), _("Value")]
    body: list[list] = [
        [_("Period"), "", "", f"{report.start:%Y-%m-%d} – {report.end:%Y-%m-%d}"],
        [_("Rounds planned"), "", "", report.planned],
        [_("Rounds done"), "", "", report.done],
        [_("Rounds done late"), "", "", report.late],
        [_("Rounds missed"), "", "", report.missed],
        [_("Rounds still open"), "", "", report.open],
    ]
    body += [[_("Checkpoint never visited"), "", "", str(c)] for c in report.never_visited]
    for row in report.hazard_rows:
        where = [department_label(row.department), Hazard.Severity(row.severity).label]
        body += [[_("Hazards found"), *where, row.found], [_("Hazards rectified"), *where, row.rectified],
                 [_("Hazards overdue"), *where, row.overdue]]
    body += [
        [_("Hazards found"), _("all"), _("all"), report.hazards_found],
        [_("Hazards rectified"), _("all"), _("all"), report.hazards_rectified],
        [_("Hazards overdue"), _("all"), _("all"), report.hazards_overdue],
        [_("Average rectification time (hours)"), "", "", report.average_rectification_hours],
    ]
    return header, body


def checkpoints_of(user) -> QuerySet:
    return scope_queryset(Checkpoint.objects.all(), user)
