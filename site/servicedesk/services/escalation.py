"""Notifications to staff and the escalation of overdue clocks."""

from __future__ import annotations

import logging
from datetime import datetime

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from estates import roles
from estates.models import Estate, StaffMembership
from notifications.services import notify

from servicedesk.models import (
    ClockEscalation,
    Ticket,
    TicketClock,
)
from servicedesk.selectors import escalations_due
from servicedesk.services.common import ClockKind, staff_with_role

logger = logging.getLogger(__name__)


# --- notifications and escalation -----------------------------------------------------------
def _channels() -> list[str]:
    return list(getattr(settings, "SERVICEDESK_ESCALATION_CHANNELS", ["email", "sms"]))


def _send_to_staff(*, user, estate: Estate, template: str, context: dict, key: str) -> int:
    """Email and/or SMS to a staff user (work mobile of their membership); returns messages."""
    sent = 0
    channels = _channels()
    if "email" in channels and user.email:
        notify(to=user.email, template=template, context=context, channel="email", key=f"{key}:{user.pk}:email", estate=estate)
        sent += 1
    if "sms" in channels:
        mobile = (
            StaffMembership.objects.filter(user=user, estate=estate).values_list("mobile", flat=True).first() or ""
        )
        if mobile:
            notify(to=mobile, template=template, context=context, channel="sms", key=f"{key}:{user.pk}:sms", estate=estate)
            sent += 1
    return sent


def _ticket_context(ticket: Ticket) -> dict:
    return {
        "ticket": ticket,
        "number": ticket.number,
        "kind": ticket.get_kind_display(),
        "estate": str(ticket.estate),
        "place": ticket.place,
        "url": f"{settings.WAGTAILADMIN_BASE_URL}/admin/servicedesk/tickets/{ticket.pk}/",
    }


def notify_supervisors_of_serious_complaint(ticket: Ticket) -> int:
    """A major or urgent complaint goes to the supervisors at once (DOMAIN.md)."""
    sent = 0
    context = {**_ticket_context(ticket), "severity": ticket.get_severity_display()}
    for user in staff_with_role(ticket.estate, roles.SUPERVISOR):
        sent += _send_to_staff(
            user=user, estate=ticket.estate, template="servicedesk_serious_complaint", context=context,
            key=f"sd:intake:{ticket.pk}",
        )
    return sent


def escalation_recipients(clock: TicketClock, level: int) -> list:
    ticket = clock.ticket
    if level == ClockEscalation.Level.HANDLER:
        people = [u for u in (ticket.handler,) if u is not None and u.is_active]
        if clock.kind in (ClockKind.RESPOND, ClockKind.FINISH) and ticket.assignee is not None:
            if ticket.assignee not in people and ticket.assignee.is_active:
                people.append(ticket.assignee)
        if people:
            return people
        level = ClockEscalation.Level.SUPERVISOR  # nobody handles it: the supervisor hears of it
    role = roles.SUPERVISOR if level == ClockEscalation.Level.SUPERVISOR else roles.ESTATE_MANAGER
    return list(staff_with_role(ticket.estate, role))


def clock_escalate(*, clock: TicketClock, level: int, now: datetime | None = None) -> int:
    """Tell the people of ``level`` about ``clock``, once. Returns the number of messages."""
    if ClockEscalation.objects.filter(clock=clock, level=level).exists():
        return 0
    ticket = clock.ticket
    now = now or timezone.now()
    context = {
        **_ticket_context(ticket),
        "clock": clock.get_kind_display(),
        "due_at": timezone.localtime(clock.due_at),
        "overdue": now >= clock.due_at,
        "level": level,
    }
    sent = 0
    for user in escalation_recipients(clock, level):
        # Each message is recorded under its own key before it is sent: a rerun never resends.
        sent += _send_to_staff(
            user=user, estate=ticket.estate, template="servicedesk_escalation", context=context,
            key=f"sd:{clock.pk}:{level}",
        )
    try:
        with transaction.atomic():
            ClockEscalation.objects.create(clock=clock, level=level, at=now, recipients=sent)
    except IntegrityError:
        return 0  # another worker finished the same level first
    return sent


def escalate_due_clocks(*, now: datetime | None = None) -> int:
    """The periodic sweep: every level due on every running clock, made up if a run was lost."""
    now = now or timezone.now()
    sent = 0
    for clock, level in escalations_due(now=now):
        try:
            sent += clock_escalate(clock=clock, level=level, now=now)
        except Exception:  # one bad clock must not stop the sweep; the next run tries again
            logger.exception("escalation of clock %s level %s failed", clock.pk, level)
    return sent
