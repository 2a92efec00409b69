"""Reads of the service desk: what is due for escalation, the desk board, the KPI figures."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from django.conf import settings
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from estates.scoping import scope_queryset

from servicedesk.models import ClockEscalation, ReturnVisit, Ticket, TicketClock

ClockKind = TicketClock.Kind


def can_see_all_tickets(user) -> bool:
    """Desk staff see every ticket of their estates; maintenance only the ones dispatched to them."""
    return any(
        user.has_perm(f"servicedesk.{perm}")
        for perm in ("add_ticket", "dispatch_ticket", "visit_ticket", "view_servicedesk_kpi")
    )


def warn_share() -> float:
    """Share of a clock's time gone at which its handler is warned (default 0.8)."""
    return float(getattr(settings, "SERVICEDESK_WARN_SHARE", 0.8))


def manager_share() -> float:
    """Share of a clock's time gone (over 1: overdue) at which the estate manager is told."""
    return float(getattr(settings, "SERVICEDESK_MANAGER_SHARE", 1.5))


def level_thresholds() -> dict[int, float]:
    return {
        ClockEscalation.Level.HANDLER: warn_share(),
        ClockEscalation.Level.SUPERVISOR: 1.0,
        ClockEscalation.Level.MANAGER: manager_share(),
    }


def running_clocks() -> QuerySet:
    return TicketClock.objects.filter(met_at__isnull=True, cancelled=False).exclude(
        ticket__status=Ticket.Status.CLOSED
    )


def escalations_due(*, now: datetime) -> list[tuple[TicketClock, int]]:
    """(clock, level) pairs whose threshold is passed and which were not escalated yet.

    Level-triggered: it looks at the clocks as they are now, so a run that was lost is made up
    by the next one (several levels of one clock may come due together).
    """
    thresholds = level_thresholds()
    first = min(thresholds.values())
    clocks = (
        running_clocks()
        .exclude(Exists(ClockEscalation.objects.filter(clock=OuterRef("pk"), level=ClockEscalation.Level.MANAGER)))
        .select_related("ticket__estate", "ticket__handler", "ticket__assignee", "ticket__house__building")
        .prefetch_related("escalations")
        .order_by("due_at", "pk")
    )
    due = []
    for clock in clocks:
        length = (clock.due_at - clock.started_at).total_seconds() or 1.0
        share = (now - clock.started_at).total_seconds() / length
        if share < first:
            continue
        done = {e.level for e in clock.escalations.all()}
        for level, threshold in sorted(thresholds.items()):
            if share >= threshold and level not in done:
                due.append((clock, level))
    return due


# --- board ----------------------------------------------------------------------------------
def visible_tickets(user) -> QuerySet:
    """The tickets a user may see: their estates; maintenance only what is dispatched to them."""

    qs = scope_queryset(Ticket.objects.all(), user)
    if not user.is_superuser and not can_see_all_tickets(user):
        qs = qs.filter(Q(assignee=user) | Q(handler=user))
    return qs


def board(*, user, now: datetime | None = None, limit: int = 50) -> dict[str, list[Ticket]]:
    """The desk board: my tickets, due soon, overdue, waiting for a return visit."""
    now = now or timezone.now()
    base = visible_tickets(user).select_related("estate", "house__building", "handler", "assignee")
    running = running_clocks()
    soon_cut = now + timedelta(hours=float(getattr(settings, "SERVICEDESK_DUE_SOON_HOURS", 4)))
    mine = base.filter(Q(handler=user) | Q(assignee=user)).exclude(status=Ticket.Status.CLOSED)
    overdue = base.filter(Exists(running.filter(ticket=OuterRef("pk"), due_at__lte=now)))
    due_soon = base.filter(Exists(running.filter(ticket=OuterRef("pk"), due_at__gt=now, due_at__lte=soon_cut)))
    waiting = base.filter(status=Ticket.Status.DONE, kind__in=[Ticket.Kind.REPAIR, Ticket.Kind.COMPLAINT])
    sections = {"mine": mine, "due_soon": due_soon, "overdue": overdue, "waiting_visit": waiting}
    result = {}
    for name, qs in sections.items():
        rows = list(qs.order_by("received_at", "pk")[:limit])
        _attach_next_clock(rows, now)
        result[name] = rows
    return result


def _attach_next_clock(tickets: list[Ticket], now: datetime) -> None:
    """Give each ticket ``next_clock``: its running clock that is due first (one query)."""
    by_ticket: dict[int, TicketClock] = {}
    for clock in running_clocks().filter(ticket__in=[t.pk for t in tickets]).order_by("due_at"):
        by_ticket.setdefault(clock.ticket_id, clock)
    for ticket in tickets:
        ticket.next_clock = by_ticket.get(ticket.pk)


#: The order in which a ticket's clocks happen: 记录 → 接管 → 响应 → 反馈 → 完成/结果/答复 → 回访.
CLOCK_SEQUENCE = [
    ClockKind.RECORD, ClockKind.TAKEOVER, ClockKind.RESPOND, ClockKind.FEEDBACK,
    ClockKind.FINISH, ClockKind.RESULT, ClockKind.ANSWER, ClockKind.RETURN_VISIT,
]


def clocks_in_order(ticket: Ticket) -> list[TicketClock]:
    """A ticket's clocks in the order they happen: by start (a return visit starts when the work
    is done, a reopened cycle later), then by their place in the sequence (respond before finish,
    although both start at intake), never by due time (a fast repair's return visit falls due
    before its finish deadline)."""
    order = {kind: i for i, kind in enumerate(CLOCK_SEQUENCE)}
    return sorted(ticket.clocks.all(), key=lambda c: (c.started_at, order.get(c.kind, len(order)), c.cycle, c.pk))


def format_delta(delta: timedelta) -> str:
    """'3 h 20 min' for a duration (sign dropped)."""
    minutes = int(abs(delta.total_seconds()) // 60)
    days, rest = divmod(minutes, 60 * 24)
    hours, minutes = divmod(rest, 60)
    parts = []
    if days:
        parts.append(_("%(n)s d") % {"n": days})
    if hours or days:
        parts.append(_("%(n)s h") % {"n": hours})
    parts.append(_("%(n)s min") % {"n": minutes})
    return " ".join(str(p) for p in parts)


# --- KPIs -----------------------------------------------------------------------------------
#: (code, label, how it is counted) — the order of the KPI table and of the export columns.
KPI_DEFINITIONS = [
    ("repair_timeliness", _("Repair timeliness"), _("repairs finished within the promised time / repairs due")),
    ("complaint_feedback_timeliness", _("Complaint first-feedback timeliness"), _("first feedback in time / first feedbacks due")),
    ("complaint_result_timeliness", _("Complaint result timeliness"), _("results in time / results due")),
    ("complaint_resolution", _("Complaint resolution rate"), _("complaints with a result / results due")),
    ("return_visit_rate", _("Return-visit rate"), _("return visits made / return visits due")),
    ("suggestion_reply_rate", _("Suggestion reply rate"), _("suggestions answered / answers due")),
]


@dataclass
class Ratio:
    num: int = 0
    den: int = 0

    @property
    def rate(self) -> float | None:
        return self.num / self.den if self.den else None

    def __str__(self):
        return "—" if not self.den else f"{self.rate * 100:.1f}% ({self.num}/{self.den})"


@dataclass
class KpiRow:
    estate: object
    handler: object | None
    figures: dict[str, Ratio] = field(default_factory=lambda: {code: Ratio() for code, *_rest in KPI_DEFINITIONS})
    satisfaction_sum: int = 0
    satisfaction_count: int = 0

    @property
    def average_satisfaction(self) -> float | None:
        return self.satisfaction_sum / self.satisfaction_count if self.satisfaction_count else None


def month_bounds(month: date) -> tuple[datetime, datetime]:
    """The first moment of the month and of the next, in the local time zone."""
    tz = timezone.get_current_timezone()
    start = datetime(month.year, month.month, 1, tzinfo=tz)
    nxt = datetime(month.year + (month.month == 12), month.month % 12 + 1, 1, tzinfo=tz)
    return start, nxt


def kpis(
    *, tickets: QuerySet, month: date | None = None, start: datetime | None = None, end: datetime | None = None,
    by_handler: bool = False, now: datetime | None = None,
) -> list[KpiRow]:
    """The KPI figures of ``month`` (or of ``start`` ≤ t < ``end``: a quarter, a year, the part of
    one under one target) for ``tickets`` (already scoped), per estate (and handler).

    A clock counts in the month it was settled: the month it was kept (``met_at``), or, while it
    is not kept, the month it ran out (``due_at``, if that is already past). Cancelled clocks
    (superseded by a reopening) do not count. "In time" means kept no later than ``due_at``.
    """
    now = now or timezone.now()
    if month is not None:
        start, end = month_bounds(month)
    kept_in_month = Q(met_at__gte=start, met_at__lt=end)
    missed_in_month = Q(met_at__isnull=True, due_at__gte=start, due_at__lt=end, due_at__lte=now)
    clocks = (
        TicketClock.objects.filter(ticket__in=tickets, cancelled=False)
        .filter(kept_in_month | missed_in_month)
        .filter(kind__in=[ClockKind.FINISH, ClockKind.FEEDBACK, ClockKind.RESULT, ClockKind.ANSWER, ClockKind.RETURN_VISIT])
        .select_related("ticket__estate", "ticket__handler")
    )
    rows: dict[tuple, KpiRow] = {}

    def row_for(ticket: Ticket) -> KpiRow:
        key = (ticket.estate_id, ticket.handler_id if by_handler else None)
        if key not in rows:
            rows[key] = KpiRow(estate=ticket.estate, handler=ticket.handler if by_handler else None)
        return rows[key]

    for clock in clocks:
        ticket = clock.ticket
        figures = row_for(ticket).figures
        kept = clock.met_at is not None
        in_time = kept and clock.met_at <= clock.due_at
        targets: list[tuple[str, bool]] = []
        if ticket.kind == Ticket.Kind.REPAIR and clock.kind == ClockKind.FINISH:
            targets.append(("repair_timeliness", in_time))
        elif ticket.kind == Ticket.Kind.COMPLAINT and clock.kind == ClockKind.FEEDBACK:
            targets.append(("complaint_feedback_timeliness", in_time))
        elif ticket.kind == Ticket.Kind.COMPLAINT and clock.kind == ClockKind.RESULT:
            targets += [("complaint_result_timeliness", in_time), ("complaint_resolution", kept)]
        elif ticket.kind == Ticket.Kind.SUGGESTION and clock.kind == ClockKind.ANSWER:
            targets.append(("suggestion_reply_rate", kept))
        elif clock.kind == ClockKind.RETURN_VISIT:
            targets.append(("return_visit_rate", kept))
        for code, good in targets:
            figures[code].den += 1
            figures[code].num += int(good)

    visits = ReturnVisit.objects.filter(ticket__in=tickets, at__gte=start, at__lt=end).select_related(
        "ticket__estate", "ticket__handler"
    )
    for visit in visits:
        row = row_for(visit.ticket)
        row.satisfaction_sum += visit.satisfaction
        row.satisfaction_count += 1

    def sort_key(row: KpiRow):
        handler = row.handler.get_username() if row.handler else ""
        return (row.estate.code, handler)

    return sorted(rows.values(), key=sort_key)


KEPT = _("kept")
DUE = _("due")


def kpi_table(rows: list[KpiRow], *, by_handler: bool) -> tuple[list[str], list[list]]:
    """Header and rows of the KPI export: rates as percentages with one decimal, then counts."""
    header = [str(_("Estate"))]
    if by_handler:
        header.append(str(_("Handler")))
    for _code, label, _how in KPI_DEFINITIONS:
        header += [f"{label} (%)", f"{label} ({KEPT})", f"{label} ({DUE})"]
    header += [str(_("Average satisfaction (1–5)")), str(_("Return visits"))]
    body = []
    for row in rows:
        line: list = [row.estate.name]
        if by_handler:
            line.append((row.handler.get_full_name() or row.handler.get_username()) if row.handler else str(_("(none)")))
        for code, *_rest in KPI_DEFINITIONS:
            ratio = row.figures[code]
            line += [round(ratio.rate * 100, 1) if ratio.den else "", ratio.num, ratio.den]
        avg = row.average_satisfaction
        line += [round(avg, 2) if avg is not None else "", row.satisfaction_count]
        body.append(line)
    return header, body


def status_counts(tickets: QuerySet) -> dict[str, int]:
    counts = defaultdict(int)
    for status in tickets.values_list("status", flat=True):
        counts[status] += 1
    return dict(counts)
