"""What every service-desk write shares: clock hours, events, permission checks, who may handle."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _
from estates import roles
from estates.models import Estate
from estates.scoping import user_can_reach

from servicedesk.models import (
    DEFAULT_CLOCK_HOURS,
    ServiceClockSettings,
    Ticket,
    TicketClock,
    TicketEvent,
)

User = get_user_model()
Kind = Ticket.Kind
Status = Ticket.Status
ClockKind = TicketClock.Kind

#: The clock that a reopening restarts, per kind of ticket.
COMPLETION_CLOCK = {
    Kind.REPAIR: (ClockKind.FINISH, "repair_finish_hours"),
    Kind.COMPLAINT: (ClockKind.RESULT, "complaint_result_hours"),
    Kind.SUGGESTION: (ClockKind.ANSWER, "suggestion_answer_hours"),
    Kind.ENQUIRY: (ClockKind.ANSWER, "enquiry_answer_hours"),
}
RETURN_VISIT_HOURS = {Kind.REPAIR: "repair_return_visit_hours", Kind.COMPLAINT: "complaint_return_visit_hours"}


# --- settings -------------------------------------------------------------------------------
def clock_hours_for(estate: Estate) -> dict[str, int]:
    """The estate's promised hours (its settings row, or DOMAIN.md's defaults)."""
    row = ServiceClockSettings.objects.filter(estate=estate).first()
    if row is None:
        return dict(DEFAULT_CLOCK_HOURS)
    return {name: getattr(row, name) for name in DEFAULT_CLOCK_HOURS}


def _hours(ticket: Ticket, name: str) -> int:
    # Tickets keep the numbers they were opened under; a missing one falls back to the default.
    return int((ticket.clock_hours or {}).get(name, DEFAULT_CLOCK_HOURS[name]))


def _open_clock(ticket: Ticket, kind: str, hours: int, start: datetime, *, cycle: int = 1) -> TicketClock:
    return TicketClock.objects.create(
        ticket=ticket, kind=kind, cycle=cycle, hours=hours, started_at=start,
        due_at=start + timedelta(hours=hours),
    )


def _meet(ticket: Ticket, kinds: Iterable[str], at: datetime) -> None:
    TicketClock.objects.filter(
        ticket=ticket, kind__in=list(kinds), met_at__isnull=True, cancelled=False
    ).update(met_at=at)


def _event(ticket: Ticket, action: str, by, at: datetime, note: str = "") -> TicketEvent:
    return TicketEvent.objects.create(ticket=ticket, action=action, by=by, at=at, note=note)


# --- who may do what ------------------------------------------------------------------------
def _require(user, perm: str, ticket: Ticket | None = None, *, estate: Estate | None = None) -> None:
    if user is None or not user.has_perm(f"servicedesk.{perm}"):
        raise PermissionDenied(_("You may not do this."))
    target = ticket if ticket is not None else estate
    if target is not None and not user_can_reach(user, target):
        raise PermissionDenied(_("You may not do this."))


def _locked(ticket: Ticket) -> Ticket:
    """The caller's ticket re-read under a row lock, so that two clicks cannot both pass a state
    check (and the caller's object shows the new state afterwards)."""
    ticket.refresh_from_db(from_queryset=Ticket.objects.select_for_update())
    return ticket


def staff_with_role(estate: Estate, role: str):
    """Active users of ``estate`` who hold ``role`` (a group name of estates.roles)."""
    return (
        User.objects.filter(is_active=True, estate_memberships__estate=estate, groups__name=role)
        .distinct()
        .order_by("username")
    )


def maintenance_staff(estate: Estate):
    return staff_with_role(estate, roles.MAINTENANCE)


#: Who may be a ticket's handler: desk staff (not maintenance, not the secretary).
DESK_ROLES = [roles.FRONT_DESK, roles.CLERK, roles.SUPERVISOR, roles.ESTATE_MANAGER, roles.STEWARD]


def desk_handlers(estate: Estate):
    """The desk staff of the estate: who may handle its tickets."""
    return (
        User.objects.filter(is_active=True, estate_memberships__estate=estate, groups__name__in=DESK_ROLES)
        .distinct()
        .order_by("username")
    )
