"""Work queues of the service desk: the ticket listing's ``clock`` filter and the workbench's
figures read the same definitions, so a figure and the listing it links to always agree."""

from __future__ import annotations

from datetime import datetime, time, timedelta

from django.db.models import Exists, OuterRef, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from servicedesk.models import ClockEscalation, Ticket, TicketClock
from servicedesk.selectors import running_clocks

#: Hours ahead that count as "due soon" on the workbench.
DUE_SOON_HOURS = 2

#: Value of the listing's ``clock`` filter → its label.
CHOICES = [
    ("overdue", _("overdue")),
    ("due_soon", _("due within 2 hours")),
    ("due_today", _("due later today")),
    ("visit_due", _("waiting for a return visit")),
    ("takeover", _("waiting for the supervisor to take over")),
    ("escalated", _("escalated to the supervisor")),
]


def _end_of_today(now: datetime) -> datetime:
    local = timezone.localtime(now)
    return datetime.combine(local.date() + timedelta(days=1), time.min, tzinfo=local.tzinfo)


def _work_clocks():
    """Running clocks of the work itself; return visits are a queue of their own."""
    return running_clocks().exclude(kind=TicketClock.Kind.RETURN_VISIT)


def filter_tickets(queryset: QuerySet, value: str, *, now: datetime | None = None) -> QuerySet:
    """The tickets of ``queryset`` in the queue ``value`` (unknown values leave it unchanged).

    overdue / due_soon / due_today are exclusive: a ticket counts by its most urgent running clock.
    """
    now = now or timezone.now()
    clocks = _work_clocks().filter(ticket=OuterRef("pk"))
    is_open = {"status__in": Ticket.OPEN_STATUSES}
    soon = now + timedelta(hours=DUE_SOON_HOURS)
    if value == "overdue":
        return queryset.filter(Exists(clocks.filter(due_at__lte=now)), **is_open)
    if value == "due_soon":
        return queryset.filter(Exists(clocks.filter(due_at__gt=now, due_at__lte=soon)), **is_open).exclude(
            Exists(clocks.filter(due_at__lte=now))
        )
    if value == "due_today":
        return queryset.filter(
            Exists(clocks.filter(due_at__gt=soon, due_at__lt=_end_of_today(now))), **is_open
        ).exclude(Exists(clocks.filter(due_at__lte=soon)))
    if value == "visit_due":
        return queryset.filter(status=Ticket.Status.DONE, kind__in=[Ticket.Kind.REPAIR, Ticket.Kind.COMPLAINT])
    if value == "takeover":
        return queryset.filter(Exists(running_clocks().filter(ticket=OuterRef("pk"), kind=TicketClock.Kind.TAKEOVER)))
    if value == "escalated":
        escalated = ClockEscalation.objects.filter(
            clock__ticket=OuterRef("pk"), clock__met_at__isnull=True, clock__cancelled=False,
            level__gte=ClockEscalation.Level.SUPERVISOR,
        )
        return queryset.filter(Exists(escalated)).exclude(status=Ticket.Status.CLOSED)
    return queryset
