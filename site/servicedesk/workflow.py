"""The ticket's state machine, declared once (see estates.workflow).

    repair     new → dispatched → in progress → done → return visit → closed
    complaint  new (→ dispatched) → in progress → done → return visit → closed
    suggestion / enquiry   new (→ in progress) → done (answered) → closed

A ticket with a return visit (or a closed one) can be reopened. The services of
servicedesk.services.tickets call ``TICKETS.check`` before writing; the ticket page offers
``TICKETS.allowed`` as its buttons.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from estates.workflow import Guard, Transition, Workflow

from servicedesk.models import Ticket
from servicedesk.selectors import can_see_all_tickets

Kind = Ticket.Kind
Status = Ticket.Status
Severity = Ticket.Severity
OPEN = tuple(Ticket.OPEN_STATUSES)
FINISHED = (Status.DONE, Status.VISITED, Status.CLOSED)


def _repair(ticket) -> bool:
    return ticket.kind == Kind.REPAIR


def _not_repair(ticket) -> bool:
    return ticket.kind != Kind.REPAIR


def _complaint(ticket) -> bool:
    return ticket.kind == Kind.COMPLAINT


def _visited_kind(ticket) -> bool:
    return ticket.needs_return_visit


def _answered_kind(ticket) -> bool:
    return not ticket.needs_return_visit


def _owner_confirmed(ticket, user) -> bool:
    last = ticket.return_visits.order_by("-at", "-pk").first()
    return last is not None and last.owner_confirmed


#: Maintenance staff progress only the tickets dispatched to them; desk staff any of their estates.
ASSIGNED_OR_DESK = Guard(
    lambda ticket, user: user is None or can_see_all_tickets(user) or ticket.assignee_id == user.pk,
    _("This ticket is not dispatched to you."), code="not_assigned", forbidden=True,
)
#: DOMAIN.md: the supervisor steps in on major and urgent complaints only.
SERIOUS = Guard(
    lambda ticket, user: ticket.severity in (Severity.MAJOR, Severity.URGENT),
    _("Only major and urgent complaints are taken over."), code="not_serious",
)
NOT_HANDLER_ALREADY = Guard(
    lambda ticket, user: user is None or ticket.handler_id != user.pk,
    _("You already handle this complaint."), code="already_handler",
)
OWNER_CONFIRMED = Guard(
    _owner_confirmed,
    _("The owner has not confirmed the work: reopen the ticket instead of closing it."), code="not_confirmed",
)

TICKETS = Workflow("ticket", [
    Transition(
        "dispatch", _("Dispatch"), OPEN, _("Only a ticket that is not done yet can be dispatched."),
        target=Status.DISPATCHED,  # from "new"; a later re-dispatch keeps the state
        permission="servicedesk.dispatch_ticket",
        applies=lambda t: t.kind in (Kind.REPAIR, Kind.COMPLAINT),
        not_applicable=_("Only repairs and complaints are dispatched."),
    ),
    Transition(
        "takeover", _("Take over"), OPEN, _("Only an open complaint can be taken over."),
        permission="servicedesk.takeover_ticket", guards=(SERIOUS, NOT_HANDLER_ALREADY),
        applies=_complaint, not_applicable=_("Only complaints are taken over."),
    ),
    Transition(
        "feedback", _("Record feedback"), OPEN, _("Feedback is given while the complaint is open."),
        permission="servicedesk.dispatch_ticket",
        applies=_complaint, not_applicable=_("Feedback is recorded for complaints."),
    ),
    Transition(
        "start", _("Start the work"), (Status.DISPATCHED,), _("A repair is started once it is dispatched."),
        target=Status.IN_PROGRESS, permission="servicedesk.progress_ticket", guards=(ASSIGNED_OR_DESK,),
        applies=_repair,
    ),
    Transition(
        "start", _("Start the work"), (Status.NEW, Status.DISPATCHED),
        _("Only a new or dispatched ticket can be started."),
        target=Status.IN_PROGRESS, permission="servicedesk.progress_ticket", guards=(ASSIGNED_OR_DESK,),
        applies=_not_repair,
    ),
    Transition(
        "done", _("Mark done"), (Status.IN_PROGRESS,), _("Only a ticket in progress can be marked done."),
        target=Status.DONE, permission="servicedesk.progress_ticket", guards=(ASSIGNED_OR_DESK,),
        applies=_visited_kind,
    ),
    Transition(
        "done", _("Mark done"), (Status.NEW, Status.IN_PROGRESS), _("Only an unanswered ticket can be answered."),
        target=Status.DONE, permission="servicedesk.progress_ticket", guards=(ASSIGNED_OR_DESK,),
        applies=_answered_kind,
    ),
    Transition(
        "return_visit", _("Record the return visit"), (Status.DONE,),
        _("A return visit is made after the work is done."),
        target=Status.VISITED, permission="servicedesk.visit_ticket",
        applies=_visited_kind, not_applicable=_("Suggestions and enquiries have no return visit."),
    ),
    Transition(
        "close", _("Close"), (Status.VISITED,), {
            **dict.fromkeys(OPEN, _("The work is not done yet.")),
            Status.DONE: _("Record the return visit before closing the ticket."),
            None: _("This ticket is already closed."),
        },
        target=Status.CLOSED, permission="servicedesk.visit_ticket", guards=(OWNER_CONFIRMED,),
        applies=_visited_kind,
    ),
    Transition(
        "close", _("Close"), (Status.DONE,), _("Only an answered ticket can be closed."),
        target=Status.CLOSED, permission="servicedesk.visit_ticket", applies=_answered_kind,
    ),
    Transition(
        "reopen", _("Reopen"), FINISHED, _("Only a finished ticket can be reopened."),
        target=Status.IN_PROGRESS, permission="servicedesk.visit_ticket",
    ),
    Transition(
        "handler", _("Hand over"), (*OPEN, Status.DONE, Status.VISITED), _("A closed ticket is not handed over."),
        permission="servicedesk.dispatch_ticket",
    ),
])
