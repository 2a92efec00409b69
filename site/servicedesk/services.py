"""Every write of the service desk: intake, the steps of a ticket, handovers and escalation.

The state machine (see docs/servicedesk.md):

    repair     new → dispatched → in progress → done → return visit → closed
    complaint  new (→ dispatched) → in progress → done → return visit → closed
    suggestion / enquiry   new (→ in progress) → done (answered) → closed

A ticket with a return visit (or a closed one) can be reopened: back to "in progress" with a new
completion clock, counted in ``reopen_count``. Rule violations raise ``ValidationError`` with a
translated message and change nothing; a user without the right raises ``PermissionDenied``.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from datetime import datetime, timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from estates import roles
from estates.models import Estate, House, StaffMembership
from estates.personal_data import normalize_mobile, validate_mobile
from estates.scoping import user_can_reach
from notifications.services import notify

from servicedesk.models import (
    DEFAULT_CLOCK_HOURS,
    ClockEscalation,
    ReturnVisit,
    ServiceClockSettings,
    ShiftHandover,
    Ticket,
    TicketClock,
    TicketEvent,
)

logger = logging.getLogger(__name__)
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


def can_see_all_tickets(user) -> bool:
    """Desk staff see every ticket of their estates; maintenance only the ones dispatched to them."""
    return any(
        user.has_perm(f"servicedesk.{perm}")
        for perm in ("add_ticket", "dispatch_ticket", "visit_ticket", "view_servicedesk_kpi")
    )


def _require_progress(user, ticket: Ticket) -> None:
    _require(user, "progress_ticket", ticket)
    if not can_see_all_tickets(user) and ticket.assignee_id != user.pk:
        raise PermissionDenied(_("This ticket is not dispatched to you."))


def _locked(ticket: Ticket) -> Ticket:
    """The caller's ticket re-read under a row lock, so that two clicks cannot both pass a state
    check (and the caller's object shows the new state afterwards)."""
    ticket.refresh_from_db(from_queryset=Ticket.objects.select_for_update())
    return ticket


def _check_status(ticket: Ticket, allowed: Iterable[str], message: str) -> None:
    if ticket.status not in allowed:
        raise ValidationError(message, code="wrong_status")


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


# --- intake ---------------------------------------------------------------------------------
def _next_number(ticket: Ticket) -> str:
    day = timezone.localtime(ticket.created_at).strftime("%Y%m%d")
    base = f"{Ticket.NUMBER_PREFIX[ticket.kind]}-{ticket.estate.code.upper()}-{day}-"
    last = (
        Ticket.objects.filter(number__startswith=base).order_by("-number").values_list("number", flat=True).first()
    )
    seq = int(last.rsplit("-", 1)[1]) + 1 if last else 1
    return f"{base}{seq:04d}"


def ticket_intake(
    *,
    estate: Estate,
    kind: str,
    contact_name: str,
    contact_mobile: str,
    description: str,
    house: House | None = None,
    shared_area: str = "",
    severity: str = "",
    channel: str = Ticket.Channel.PHONE,
    expected_at: datetime | None = None,
    received_at: datetime | None = None,
    photo=None,
    handler=None,
    by=None,
) -> Ticket:
    """Record a ticket and start its clocks. ``by`` is None for an owner's web form."""
    if by is not None:
        _require(by, "add_ticket", estate=estate)
    now = timezone.now()
    received_at = received_at or now
    errors: dict[str, list[str]] = {}
    if kind not in Kind.values:
        errors.setdefault("kind", []).append(_("Choose the kind of ticket."))
    if house is not None and house.building.estate_id != estate.pk:
        errors.setdefault("house", []).append(_("This house is not in the chosen estate."))
    if house is None and not shared_area.strip():
        errors.setdefault("house", []).append(_("Give the house or the shared area concerned."))
    if not (contact_name or "").strip():
        errors.setdefault("contact_name", []).append(_("Give the contact's name."))
    try:
        validate_mobile(contact_mobile)
    except ValidationError as exc:
        errors.setdefault("contact_mobile", []).extend(exc.messages)
    if not (description or "").strip():
        errors.setdefault("description", []).append(_("Describe the matter."))
    if kind == Kind.COMPLAINT and severity not in Ticket.Severity.values:
        errors.setdefault("severity", []).append(_("Classify the complaint: general, major or urgent."))
    if kind != Kind.COMPLAINT and severity:
        errors.setdefault("severity", []).append(_("Only complaints have a severity."))
    if received_at > now + timedelta(minutes=5):
        errors.setdefault("received_at", []).append(_("The time received cannot be in the future."))
    if received_at < now - timedelta(days=30):
        errors.setdefault("received_at", []).append(_("The time received is more than 30 days ago."))
    if handler is not None and not desk_handlers(estate).filter(pk=handler.pk).exists():
        errors.setdefault("handler", []).append(_("The handler must be desk staff of this estate."))
    if errors:
        raise ValidationError(errors)

    hours = clock_hours_for(estate)
    if handler is None and by is not None:
        handler = by
    ticket = Ticket(
        kind=kind, severity=severity, channel=channel, estate=estate, house=house,
        shared_area=shared_area.strip(), contact_name=contact_name.strip(),
        contact_mobile=normalize_mobile(contact_mobile), description=description.strip(),
        expected_at=expected_at, received_at=received_at, created_at=now, created_by=by,
        handler=handler, clock_hours=hours,
    )
    if photo:
        ticket.photo = photo
    for attempt in range(5):
        try:
            with transaction.atomic():
                # Intakes of one estate take numbers one at a time (a row lock on PostgreSQL;
                # SQLite's IMMEDIATE transactions already serialise writers): without it, ten
                # owners reporting at once exhausted the retries below and got a 500.
                list(Estate.objects.select_for_update().filter(pk=estate.pk).values_list("pk", flat=True))
                ticket.number = _next_number(ticket)
                ticket.save()
                _start_clocks(ticket, hours, now)
                _event(ticket, TicketEvent.Action.INTAKE, by, now, ticket.get_channel_display())
            break
        except IntegrityError:
            # Another intake took the same number at the same moment: take the next one.
            if attempt == 4:
                raise
            ticket.pk = None
    if kind == Kind.COMPLAINT and severity in (Ticket.Severity.MAJOR, Ticket.Severity.URGENT):
        notify_supervisors_of_serious_complaint(ticket)
    return ticket


def _start_clocks(ticket: Ticket, hours: dict[str, int], now: datetime) -> None:
    start = ticket.received_at
    if ticket.kind == Kind.REPAIR:
        _open_clock(ticket, ClockKind.RESPOND, hours["repair_respond_hours"], start)
        _open_clock(ticket, ClockKind.FINISH, hours["repair_finish_hours"], start)
    elif ticket.kind == Kind.COMPLAINT:
        record = _open_clock(ticket, ClockKind.RECORD, hours["complaint_record_hours"], start)
        record.met_at = now
        record.save(update_fields=["met_at"])
        if ticket.severity in (Ticket.Severity.MAJOR, Ticket.Severity.URGENT):
            _open_clock(ticket, ClockKind.TAKEOVER, hours["complaint_takeover_hours"], start)
        _open_clock(ticket, ClockKind.FEEDBACK, hours["complaint_feedback_hours"], start)
        _open_clock(ticket, ClockKind.RESULT, hours["complaint_result_hours"], start)
    elif ticket.kind == Kind.SUGGESTION:
        _open_clock(ticket, ClockKind.ANSWER, hours["suggestion_answer_hours"], start)
    else:
        _open_clock(ticket, ClockKind.ANSWER, hours["enquiry_answer_hours"], start)


# --- the steps ------------------------------------------------------------------------------
@transaction.atomic
def ticket_dispatch(*, ticket: Ticket, assignee=None, contractor: str = "", note: str = "", by) -> Ticket:
    """Send the work to a maintenance person of the estate or to an outside contractor."""
    ticket = _locked(ticket)
    _require(by, "dispatch_ticket", ticket)
    if ticket.kind not in (Kind.REPAIR, Kind.COMPLAINT):
        raise ValidationError(_("Only repairs and complaints are dispatched."), code="wrong_kind")
    _check_status(
        ticket, (Status.NEW, Status.DISPATCHED, Status.IN_PROGRESS),
        _("Only a ticket that is not done yet can be dispatched."),
    )
    contractor = (contractor or "").strip()
    if assignee is None and not contractor:
        raise ValidationError(_("Choose a maintenance person or name a contractor."), code="no_assignee")
    if assignee is not None and not maintenance_staff(ticket.estate).filter(pk=assignee.pk).exists():
        raise ValidationError(
            _("%(name)s is not maintenance staff of %(estate)s.")
            % {"name": assignee.get_full_name() or assignee.get_username(), "estate": ticket.estate},
            code="outside_estate",
        )
    now = timezone.now()
    ticket.assignee = assignee
    ticket.contractor = contractor
    if ticket.status == Status.NEW:
        ticket.status = Status.DISPATCHED
    ticket.save(update_fields=["assignee", "contractor", "status"])
    who = (assignee.get_full_name() or assignee.get_username()) if assignee else contractor
    _event(ticket, TicketEvent.Action.DISPATCH, by, now, "\n".join(p for p in (who, note.strip()) if p))
    return ticket


@transaction.atomic
def ticket_takeover(*, ticket: Ticket, by) -> Ticket:
    """A supervisor steps in on a major or urgent complaint and becomes its handler."""
    ticket = _locked(ticket)
    _require(by, "takeover_ticket", ticket)
    if ticket.kind != Kind.COMPLAINT:
        raise ValidationError(_("Only complaints are taken over."), code="wrong_kind")
    _check_status(ticket, Ticket.OPEN_STATUSES, _("Only an open complaint can be taken over."))
    now = timezone.now()
    ticket.handler = by
    ticket.save(update_fields=["handler"])
    _meet(ticket, [ClockKind.TAKEOVER], now)
    _event(ticket, TicketEvent.Action.TAKEOVER, by, now)
    return ticket


@transaction.atomic
def ticket_feedback(*, ticket: Ticket, note: str, by) -> Ticket:
    """The first (or a further) feedback to the complainant on how the case is going."""
    ticket = _locked(ticket)
    _require(by, "dispatch_ticket", ticket)
    if ticket.kind != Kind.COMPLAINT:
        raise ValidationError(_("Feedback is recorded for complaints."), code="wrong_kind")
    _check_status(ticket, Ticket.OPEN_STATUSES, _("Feedback is given while the complaint is open."))
    if not (note or "").strip():
        raise ValidationError(_("Write what the complainant was told."), code="required")
    now = timezone.now()
    _meet(ticket, [ClockKind.FEEDBACK], now)
    _event(ticket, TicketEvent.Action.FEEDBACK, by, now, note.strip())
    return ticket


@transaction.atomic
def ticket_start(*, ticket: Ticket, by) -> Ticket:
    """The work begins (the maintenance person is on site: the repair is responded to)."""
    ticket = _locked(ticket)
    _require_progress(by, ticket)
    if ticket.kind == Kind.REPAIR:
        allowed, message = (Status.DISPATCHED,), _("A repair is started once it is dispatched.")
    else:
        allowed, message = (Status.NEW, Status.DISPATCHED), _("Only a new or dispatched ticket can be started.")
    _check_status(ticket, allowed, message)
    now = timezone.now()
    ticket.status = Status.IN_PROGRESS
    ticket.save(update_fields=["status"])
    _meet(ticket, [ClockKind.RESPOND], now)
    _event(ticket, TicketEvent.Action.START, by, now)
    return ticket


@transaction.atomic
def ticket_done(*, ticket: Ticket, result: str, adopted: bool | None = None, by) -> Ticket:
    """The work is finished, the complaint has its result, the suggestion or enquiry its answer."""
    ticket = _locked(ticket)
    _require_progress(by, ticket)
    if ticket.kind in (Kind.REPAIR, Kind.COMPLAINT):
        _check_status(ticket, (Status.IN_PROGRESS,), _("Only a ticket in progress can be marked done."))
    else:
        _check_status(
            ticket, (Status.NEW, Status.IN_PROGRESS), _("Only an unanswered ticket can be answered.")
        )
    result = (result or "").strip()
    if not result:
        raise ValidationError(_("Write what was done or answered."), code="required")
    if ticket.kind == Kind.SUGGESTION:
        if adopted is None:
            raise ValidationError(_("Say whether the suggestion is adopted."), code="required")
    else:
        adopted = None
    now = timezone.now()
    ticket.status = Status.DONE
    ticket.done_at = now
    ticket.result = result
    ticket.adopted = adopted
    ticket.save(update_fields=["status", "done_at", "result", "adopted"])
    # Every clock still running before the result is settled now (late if it is late).
    TicketClock.objects.filter(ticket=ticket, met_at__isnull=True, cancelled=False).exclude(
        kind=ClockKind.RETURN_VISIT
    ).update(met_at=now)
    if ticket.needs_return_visit:
        cycle = ticket.reopen_count + 1
        _open_clock(ticket, ClockKind.RETURN_VISIT, _hours(ticket, RETURN_VISIT_HOURS[ticket.kind]), now, cycle=cycle)
    _event(ticket, TicketEvent.Action.DONE, by, now, result)
    return ticket


@transaction.atomic
def ticket_return_visit(
    *, ticket: Ticket, satisfaction: int, comment: str = "", owner_confirmed: bool, by
) -> ReturnVisit:
    """The return visit (回访) after the work is done: satisfaction 1–5 and the owner's word."""
    ticket = _locked(ticket)
    _require(by, "visit_ticket", ticket)
    if not ticket.needs_return_visit:
        raise ValidationError(_("Suggestions and enquiries have no return visit."), code="wrong_kind")
    _check_status(ticket, (Status.DONE,), _("A return visit is made after the work is done."))
    try:
        satisfaction = int(satisfaction)
    except (TypeError, ValueError):
        satisfaction = 0
    if not 1 <= satisfaction <= 5:
        raise ValidationError(_("Satisfaction is a number from 1 to 5."), code="invalid")
    now = timezone.now()
    clock = (
        TicketClock.objects.filter(ticket=ticket, kind=ClockKind.RETURN_VISIT, met_at__isnull=True, cancelled=False)
        .order_by("-cycle")
        .first()
    )
    if clock is not None:
        clock.met_at = now
        clock.save(update_fields=["met_at"])
    visit = ReturnVisit.objects.create(
        ticket=ticket, clock=clock, satisfaction=satisfaction, comment=(comment or "").strip(),
        owner_confirmed=bool(owner_confirmed), by=by, at=now,
    )
    ticket.status = Status.VISITED
    ticket.save(update_fields=["status"])
    _event(
        ticket, TicketEvent.Action.RETURN_VISIT, by, now,
        f"{satisfaction}/5 " + (_("owner confirms") if owner_confirmed else _("owner does not confirm"))
        + (f"\n{visit.comment}" if visit.comment else ""),
    )
    return visit


@transaction.atomic
def ticket_close(*, ticket: Ticket, by) -> Ticket:
    ticket = _locked(ticket)
    _require(by, "visit_ticket", ticket)
    if ticket.needs_return_visit:
        if ticket.status in Ticket.OPEN_STATUSES:
            raise ValidationError(_("The work is not done yet."), code="wrong_status")
        if ticket.status == Status.DONE:
            raise ValidationError(
                _("Record the return visit before closing the ticket."), code="no_return_visit"
            )
        _check_status(ticket, (Status.VISITED,), _("This ticket is already closed."))
        last = ticket.return_visits.order_by("-at", "-pk").first()
        if last is None or not last.owner_confirmed:
            raise ValidationError(
                _("The owner has not confirmed the work: reopen the ticket instead of closing it."),
                code="not_confirmed",
            )
    else:
        _check_status(ticket, (Status.DONE,), _("Only an answered ticket can be closed."))
    now = timezone.now()
    ticket.status = Status.CLOSED
    ticket.closed_at = now
    ticket.save(update_fields=["status", "closed_at"])
    _event(ticket, TicketEvent.Action.CLOSE, by, now)
    return ticket


@transaction.atomic
def ticket_reopen(*, ticket: Ticket, reason: str, by) -> Ticket:
    """Back to work: the completion clock starts again from now, and the reopening is counted."""
    ticket = _locked(ticket)
    _require(by, "visit_ticket", ticket)
    _check_status(
        ticket, (Status.DONE, Status.VISITED, Status.CLOSED), _("Only a finished ticket can be reopened.")
    )
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError(_("Give the reason for reopening."), code="required")
    now = timezone.now()
    # An unmade return visit no longer applies; the next "done" opens a new one.
    TicketClock.objects.filter(
        ticket=ticket, kind=ClockKind.RETURN_VISIT, met_at__isnull=True, cancelled=False
    ).update(cancelled=True)
    kind, hours_name = COMPLETION_CLOCK[ticket.kind]
    last_cycle = ticket.clocks.filter(kind=kind).order_by("-cycle").values_list("cycle", flat=True).first() or 0
    _open_clock(ticket, kind, _hours(ticket, hours_name), now, cycle=last_cycle + 1)
    ticket.status = Status.IN_PROGRESS
    ticket.reopen_count += 1
    ticket.done_at = None
    ticket.closed_at = None
    ticket.save(update_fields=["status", "reopen_count", "done_at", "closed_at"])
    _event(ticket, TicketEvent.Action.REOPEN, by, now, reason)
    return ticket


@transaction.atomic
def tickets_hand_over(
    *, estate: Estate, from_user, to_user, tickets: Iterable[Ticket] | None = None, note: str = "", by
) -> ShiftHandover:
    """Shift change: the open tickets of ``from_user`` (or the chosen ones) pass to ``to_user``."""
    _require(by, "dispatch_ticket", estate=estate)
    if from_user == to_user:
        raise ValidationError(_("Hand over to somebody else."), code="same_user")
    if not desk_handlers(estate).filter(pk=to_user.pk).exists():
        raise ValidationError(_("The next handler must be desk staff of this estate."), code="outside_estate")
    own = Ticket.objects.select_for_update().filter(estate=estate, handler=from_user).exclude(status=Status.CLOSED)
    if tickets is not None:
        ids = [t.pk for t in tickets]
        chosen = list(own.filter(pk__in=ids))
        if len(chosen) != len(set(ids)):
            raise ValidationError(
                _("Only unclosed tickets of the outgoing handler in this estate can be handed over."),
                code="not_theirs",
            )
    else:
        chosen = list(own)
    if not chosen:
        raise ValidationError(_("There are no open tickets to hand over."), code="nothing")
    now = timezone.now()
    handover = ShiftHandover.objects.create(
        estate=estate, from_user=from_user, to_user=to_user, note=(note or "").strip(), by=by, at=now
    )
    handover.tickets.set(chosen)
    to_name = to_user.get_full_name() or to_user.get_username()
    for ticket in chosen:
        ticket.handler = to_user
        ticket.save(update_fields=["handler"])
        _event(ticket, TicketEvent.Action.HANDOVER, by, now, to_name)
    return handover


@transaction.atomic
def ticket_set_handler(*, ticket: Ticket, handler, by) -> Ticket:
    """Name the one handler of a ticket (a single-ticket handover, or a web ticket's first one)."""
    ticket = _locked(ticket)
    _require(by, "dispatch_ticket", ticket)
    if ticket.status == Status.CLOSED:
        raise ValidationError(_("A closed ticket is not handed over."), code="wrong_status")
    if not desk_handlers(ticket.estate).filter(pk=handler.pk).exists():
        raise ValidationError(_("The handler must be desk staff of this estate."), code="outside_estate")
    if ticket.handler_id == handler.pk:
        raise ValidationError(_("This person already handles the ticket."), code="same_user")
    now = timezone.now()
    previous = ticket.handler
    ticket.handler = handler
    ticket.save(update_fields=["handler"])
    if previous is not None:
        handover = ShiftHandover.objects.create(estate=ticket.estate, from_user=previous, to_user=handler, by=by, at=now)
        handover.tickets.set([ticket])
    _event(ticket, TicketEvent.Action.HANDOVER, by, now, handler.get_full_name() or handler.get_username())
    return ticket


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
    from servicedesk.selectors import escalations_due

    now = now or timezone.now()
    sent = 0
    for clock, level in escalations_due(now=now):
        try:
            sent += clock_escalate(clock=clock, level=level, now=now)
        except Exception:  # one bad clock must not stop the sweep; the next run tries again
            logger.exception("escalation of clock %s level %s failed", clock.pk, level)
    return sent
