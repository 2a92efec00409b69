"""Intake and the steps of a ticket (dispatch, takeover, feedback, start, done, return visit, close, reopen)."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from estates.models import Estate, House
from estates.personal_data import normalize_mobile, validate_mobile

from servicedesk.models import (
    ReturnVisit,
    ShiftHandover,
    Ticket,
    TicketClock,
    TicketEvent,
)
from servicedesk.photos import check_photos
from servicedesk.services.common import (
    COMPLETION_CLOCK,
    RETURN_VISIT_HOURS,
    ClockKind,
    Kind,
    Status,
    _event,
    _hours,
    _locked,
    _meet,
    _open_clock,
    _require,
    clock_hours_for,
    desk_handlers,
    maintenance_staff,
)
from servicedesk.services.escalation import notify_supervisors_of_serious_complaint
from servicedesk.services.owner_notices import owner_step_notice, store_photos
from servicedesk.workflow import TICKETS


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
    category=None,
    photos=(),
    contact_email: str = "",
    by=None,
) -> Ticket:
    """Record a ticket and start its clocks. ``by`` is None for an owner's web form or the owner
    portal. ``category`` (repairs) routes the dispatch; ``photos`` are up to six checked uploads."""
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
    if category is not None and (category.estate_id != estate.pk or kind != Kind.REPAIR):
        errors.setdefault("category", []).append(_("Choose a repair category of this estate (repairs only)."))
    try:
        photo_types = check_photos(photos)
    except ValidationError as exc:
        errors.setdefault("photos", []).extend(exc.messages)
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
        handler=handler, clock_hours=hours, category=category, contact_email=(contact_email or "").strip(),
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
                intake = _event(ticket, TicketEvent.Action.INTAKE, by, now, ticket.get_channel_display())
                store_photos(ticket, photos, photo_types, now)
            break
        except IntegrityError:
            # Another intake took the same number at the same moment: take the next one.
            if attempt == 4:
                raise
            ticket.pk = None
    if kind == Kind.COMPLAINT and severity in (Ticket.Severity.MAJOR, Ticket.Severity.URGENT):
        notify_supervisors_of_serious_complaint(ticket)
    owner_step_notice(intake)
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
    TICKETS.check("dispatch", ticket, by)
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
    event = _event(ticket, TicketEvent.Action.DISPATCH, by, now, "\n".join(p for p in (who, note.strip()) if p))
    owner_step_notice(event)
    return ticket


@transaction.atomic
def ticket_takeover(*, ticket: Ticket, by) -> Ticket:
    """A supervisor steps in on a major or urgent complaint and becomes its handler."""
    ticket = _locked(ticket)
    TICKETS.check("takeover", ticket, by)  # major and urgent complaints only (DOMAIN.md)
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
    TICKETS.check("feedback", ticket, by)
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
    TICKETS.check("start", ticket, by)
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
    TICKETS.check("done", ticket, by)
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
    owner_step_notice(_event(ticket, TicketEvent.Action.DONE, by, now, result))
    return ticket


@transaction.atomic
def ticket_return_visit(
    *, ticket: Ticket, satisfaction: int, comment: str = "", owner_confirmed: bool, by
) -> ReturnVisit:
    """The return visit (回访) after the work is done: satisfaction 1–5 and the owner's word."""
    ticket = _locked(ticket)
    TICKETS.check("return_visit", ticket, by)
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
    TICKETS.check("close", ticket, by)  # after a confirmed return visit, or once answered
    now = timezone.now()
    ticket.status = Status.CLOSED
    ticket.closed_at = now
    ticket.save(update_fields=["status", "closed_at"])
    owner_step_notice(_event(ticket, TicketEvent.Action.CLOSE, by, now))
    return ticket


@transaction.atomic
def ticket_reopen(*, ticket: Ticket, reason: str, by) -> Ticket:
    """Back to work: the completion clock starts again from now, and the reopening is counted."""
    ticket = _locked(ticket)
    TICKETS.check("reopen", ticket, by)
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
def ticket_set_handler(*, ticket: Ticket, handler, by) -> Ticket:
    """Name the one handler of a ticket (a single-ticket handover, or a web ticket's first one)."""
    ticket = _locked(ticket)
    TICKETS.check("handler", ticket, by)
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
