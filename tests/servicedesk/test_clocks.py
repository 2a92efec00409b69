"""The clocks of DOMAIN.md, computed and stored at intake, under frozen time."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from servicedesk import services
from servicedesk.factories import ServiceClockSettingsFactory
from servicedesk.models import Ticket, TicketClock

from .conftest import T0

H = timedelta(hours=1)


def clocks(ticket):
    return {(c.kind, c.cycle): c for c in ticket.clocks.all()}


def test_repair_clocks_respond_24h_finish_48h_return_visit_24h_after_completion(intake, clerk_a, maintenance_a, frozen):
    ticket = intake()
    c = clocks(ticket)
    assert set(c) == {("respond", 1), ("finish", 1)}
    assert c["respond", 1].due_at == T0 + 24 * H and c["respond", 1].hours == 24
    assert c["finish", 1].due_at == T0 + 48 * H
    services.ticket_dispatch(ticket=ticket, assignee=maintenance_a, by=clerk_a)
    frozen.move_to(T0 + 3 * H)
    services.ticket_start(ticket=ticket, by=maintenance_a)
    assert clocks(ticket)["respond", 1].met_at == T0 + 3 * H
    frozen.move_to(T0 + 50 * H)
    services.ticket_done(ticket=ticket, result="修好了", by=maintenance_a)
    c = clocks(ticket)
    assert c["finish", 1].met_at == T0 + 50 * H and c["finish", 1].is_late
    assert c["return_visit", 1].due_at == T0 + 74 * H


def test_numbers_are_unique_per_kind_estate_and_day(intake, frozen):
    first, second = intake(), intake()
    suggestion = intake(kind="suggestion")
    assert (first.number, second.number) == ("R-HYY-20261102-0001", "R-HYY-20261102-0002")
    assert suggestion.number == "S-HYY-20261102-0001"


def test_complaint_clocks_and_major_takeover(intake, supervisor_a, frozen):
    frozen.move_to(T0 + timedelta(minutes=90))
    ticket = intake(kind="complaint", severity="major", received_at=T0, channel="phone")
    c = clocks(ticket)
    assert set(c) == {("record", 1), ("takeover", 1), ("feedback", 1), ("result", 1)}
    # Recorded 90 minutes after the call: the 1-hour record clock was kept, but late.
    assert c["record", 1].met_at == T0 + timedelta(minutes=90) and c["record", 1].is_late
    assert c["takeover", 1].due_at == T0 + H
    assert c["feedback", 1].due_at == T0 + 24 * H
    assert c["result", 1].due_at == T0 + 72 * H
    services.ticket_takeover(ticket=ticket, by=supervisor_a)
    ticket.refresh_from_db()
    assert ticket.handler == supervisor_a
    assert clocks(ticket)["takeover", 1].met_at is not None


def test_general_complaint_has_no_takeover_clock_and_feedback_is_recorded(intake, clerk_a, frozen):
    ticket = intake(kind="complaint", severity="general")
    assert ("takeover", 1) not in clocks(ticket)
    frozen.move_to(T0 + 5 * H)
    services.ticket_feedback(ticket=ticket, note="已联系业主，明天上门", by=clerk_a)
    assert clocks(ticket)["feedback", 1].met_at == T0 + 5 * H


def test_complaint_return_visit_within_3_days_of_the_result(intake, clerk_a, frozen):
    ticket = intake(kind="complaint", severity="general")
    services.ticket_start(ticket=ticket, by=clerk_a)
    frozen.move_to(T0 + 10 * H)
    services.ticket_done(ticket=ticket, result="已处理", by=clerk_a)
    c = clocks(ticket)
    assert c["result", 1].met_at == T0 + 10 * H
    assert c["feedback", 1].met_at == T0 + 10 * H  # the result is the feedback if none came before
    assert c["return_visit", 1].due_at == T0 + 10 * H + 72 * H


def test_suggestion_3_days_and_enquiry_1_hour(intake, clerk_a, frozen):
    suggestion = intake(kind="suggestion")
    enquiry = intake(kind="enquiry")
    assert clocks(suggestion)["answer", 1].due_at == T0 + 72 * H
    assert clocks(enquiry)["answer", 1].due_at == T0 + H
    with pytest.raises(ValidationError):
        services.ticket_done(ticket=suggestion, result="谢谢", by=clerk_a)  # adopted or not?
    services.ticket_done(ticket=suggestion, result="不采纳：预算不足", adopted=False, by=clerk_a)
    services.ticket_close(ticket=suggestion, by=clerk_a)
    assert Ticket.objects.get(pk=suggestion.pk).status == "closed"
    assert not suggestion.clocks.filter(kind="return_visit").exists()


def test_estate_specific_numbers_and_tickets_keep_the_numbers_they_were_opened_under(
    intake, estate_a, clerk_a, maintenance_a, frozen
):
    old = intake()
    settings_row = ServiceClockSettingsFactory(estate=estate_a, repair_finish_hours=12, repair_return_visit_hours=6)
    new = intake()
    assert clocks(new)["finish", 1].due_at == T0 + 12 * H
    assert clocks(old)["finish", 1].due_at == T0 + 48 * H
    settings_row.repair_return_visit_hours = 100
    settings_row.save()
    for ticket in (old, new):
        services.ticket_dispatch(ticket=ticket, assignee=maintenance_a, by=clerk_a)
        services.ticket_start(ticket=ticket, by=maintenance_a)
        services.ticket_done(ticket=ticket, result="ok", by=maintenance_a)
    assert clocks(old)["return_visit", 1].hours == 24
    assert clocks(new)["return_visit", 1].hours == 6


def test_other_estate_keeps_the_defaults(intake, estate_a, estate_b, house_b, make_user, frozen):
    from estates import roles

    ServiceClockSettingsFactory(estate=estate_a, repair_finish_hours=12)
    clerk_b = make_user(roles.CLERK, [estate_b])
    ticket = intake(estate=estate_b, house=house_b, by=clerk_b)
    assert clocks(ticket)["finish", 1].hours == 48


def test_reopening_restarts_the_completion_clock_and_is_counted(intake, clerk_a, maintenance_a, frozen):
    ticket = intake()
    services.ticket_dispatch(ticket=ticket, assignee=maintenance_a, by=clerk_a)
    services.ticket_start(ticket=ticket, by=maintenance_a)
    frozen.move_to(T0 + 10 * H)
    services.ticket_done(ticket=ticket, result="ok", by=maintenance_a)
    frozen.move_to(T0 + 12 * H)
    services.ticket_return_visit(ticket=ticket, satisfaction=2, comment="还在漏", owner_confirmed=False, by=clerk_a)
    frozen.move_to(T0 + 13 * H)
    services.ticket_reopen(ticket=ticket, reason="业主反映仍漏水", by=clerk_a)
    ticket.refresh_from_db()
    assert ticket.status == Ticket.Status.IN_PROGRESS and ticket.reopen_count == 1
    c = clocks(ticket)
    assert c["finish", 1].met_at == T0 + 10 * H  # the first round stays as it was
    assert c["finish", 2].started_at == T0 + 13 * H
    assert c["finish", 2].due_at == T0 + 13 * H + 48 * H and c["finish", 2].met_at is None
    frozen.move_to(T0 + 20 * H)
    services.ticket_done(ticket=ticket, result="更换管件", by=maintenance_a)
    c = clocks(ticket)
    assert c["finish", 2].met_at == T0 + 20 * H
    assert c["return_visit", 2].due_at == T0 + 44 * H
    services.ticket_return_visit(ticket=ticket, satisfaction=5, owner_confirmed=True, by=clerk_a)
    services.ticket_close(ticket=ticket, by=clerk_a)
    # Reopening a closed ticket is counted again; an unmade return visit is cancelled.
    services.ticket_reopen(ticket=ticket, reason="again", by=clerk_a)
    services.ticket_done(ticket=ticket, result="ok", by=maintenance_a)
    services.ticket_reopen(ticket=ticket, reason="and again", by=clerk_a)
    ticket.refresh_from_db()
    assert ticket.reopen_count == 3
    assert ticket.clocks.filter(kind="return_visit", cancelled=True).count() == 1
    assert ticket.clocks.filter(kind="finish").count() == 4


def test_every_step_is_logged_with_who_and_when(intake, clerk_a, maintenance_a, frozen):
    ticket = intake()
    services.ticket_dispatch(ticket=ticket, assignee=maintenance_a, by=clerk_a)
    frozen.move_to(T0 + H)
    services.ticket_start(ticket=ticket, by=maintenance_a)
    steps = [(e.action, e.by, e.at) for e in ticket.events.all()]
    assert steps == [("intake", clerk_a, T0), ("dispatch", clerk_a, T0), ("start", maintenance_a, T0 + H)]
    assert ticket.history.count() >= 3  # field-level history of the ticket row


def test_remaining_is_time_left_or_time_over(intake, frozen):
    ticket = intake()
    clock = ticket.clocks.get(kind=TicketClock.Kind.RESPOND)
    frozen.move_to(T0 + 20 * H)
    assert clock.remaining == 4 * H
    frozen.move_to(T0 + 30 * H)
    assert clock.remaining == -6 * H and clock.is_late
