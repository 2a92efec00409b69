"""The figures of each role's workbench.

Every figure is counted from the same queryset (and the same filter code) as the listing it links
to, filtered to the user's estates, so following a figure shows exactly that many rows.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from urllib.parse import urlencode

from bulletin.models import EventPage
from bulletin.selectors import events_waiting_for_visits
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from estates import roles
from estates.scoping import scope_queryset
from fees.models import ArrearsCase
from fees.models.arrears import Step
from lending.models import Loan
from lending.selectors import due_back_today_q, overdue_q
from servicedesk import queues
from servicedesk.selectors import visible_tickets

from workbench import pages


@dataclass
class Figure:
    label: str
    count: int
    url: str
    #: "alert" when a non-zero count means something is late.
    tone: str = ""


@dataclass
class Section:
    code: str
    title: str
    figures: list[Figure] = field(default_factory=list)


def _url(name: str, **params) -> str:
    return reverse(name) + ("?" + urlencode(params) if params else "")


TICKETS = "wagtailsnippets_servicedesk_ticket:list"
LOANS = "wagtailsnippets_lending_loan:list"
ARREARS = "wagtailsnippets_fees_arrearscase:list"


def _tickets(user, clock: str, **filters) -> Figure:
    rows = queues.filter_tickets(visible_tickets(user), clock)
    if "handler" in filters:
        rows = rows.filter(handler_id=filters["handler"])
    if filters.get("mine") == "me":
        rows = rows.filter(house__household__steward=user)
    label = dict(queues.CHOICES)[clock]
    return Figure(str(label), rows.count(), _url(TICKETS, **filters, clock=clock),
                  "alert" if clock in ("overdue", "takeover", "escalated") else "")


def _loans(user, label, condition, tone="", **params) -> Figure:
    rows = scope_queryset(Loan.objects.filter(condition), user)
    return Figure(str(label), rows.count(), _url(LOANS, **params), tone)


def clerk(user) -> Section:
    return Section("clerk", _("My open tickets"), [
        _tickets(user, "overdue", handler=user.pk),
        _tickets(user, "due_soon", handler=user.pk),
        _tickets(user, "due_today", handler=user.pk),
        _tickets(user, "visit_due", handler=user.pk),
    ])


def supervisor(user) -> Section:
    figures = []
    if user.has_perm("lending.approve_loan"):
        figures.append(_loans(user, _("loans waiting for approval"), Q(status=Loan.Status.REQUESTED),
                              status=Loan.Status.REQUESTED))
    if user.has_perm("servicedesk.takeover_ticket"):
        figures.append(_tickets(user, "takeover"))
    figures.append(_tickets(user, "escalated"))
    return Section("supervisor", _("The desk"), figures)


def front_desk(user) -> Section:
    return Section("front_desk", _("Keys and documents"), [
        _loans(user, _("approved, to hand out"), Q(status=Loan.Status.APPROVED), status=Loan.Status.APPROVED),
        _loans(user, _("due back later today"), due_back_today_q(), due_today="true"),
        _loans(user, _("overdue"), overdue_q(), overdue="true", tone="alert"),
    ])


def _arrears(user, step: str, label) -> Figure:
    rows = scope_queryset(ArrearsCase.objects.filter(amount__gt=0, next_step=step), user).filter(
        house__household__steward=user
    )
    return Figure(str(label), rows.count(), _url(ARREARS, next_step=step, mine="me"))


def steward(user) -> Section:
    return Section("steward", _("My households"), [
        _arrears(user, Step.CALL, _("arrears: phone calls due")),
        _arrears(user, Step.VISIT, _("arrears: door visits due")),
        _tickets(user, "visit_due", mine="me"),
    ])


def secretary(user) -> Section:
    events = pages.of_my_estates(EventPage.objects.all(), user)
    return Section("secretary", _("Bulletin"), [
        Figure(str(_("drafts")), pages.to_do(user, pages.DRAFT).count(), _url("workbench_pages", state=pages.DRAFT)),
        Figure(str(_("scheduled notices")), pages.to_do(user, pages.SCHEDULED).count(),
               _url("workbench_pages", state=pages.SCHEDULED)),
        Figure(str(_("events waiting for return visits")), events_waiting_for_visits(events).count(),
               _url("bulletin_admin_events", waiting_visit="1")),
    ])


#: Role → its sections, in the order shown. The estate manager's KPI tiles are a panel of their own
#: (the scorecard); here the manager gets the supervisor's work figures.
ROLE_SECTIONS: dict[str, list[Callable]] = {
    roles.CLERK: [clerk],
    roles.SUPERVISOR: [supervisor],
    roles.ESTATE_MANAGER: [supervisor],
    roles.FRONT_DESK: [front_desk],
    roles.STEWARD: [steward],
    roles.SECRETARY: [secretary],
}


def sections_for(user) -> list[Section]:
    if user.is_superuser:
        wanted = list(ROLE_SECTIONS)
    else:
        names = set(user.groups.values_list("name", flat=True))
        wanted = [role for role in ROLE_SECTIONS if role in names]
    builders: list[Callable] = []
    for role in wanted:
        for builder in ROLE_SECTIONS[role]:
            if builder not in builders:
                builders.append(builder)
    return [builder(user) for builder in builders]

